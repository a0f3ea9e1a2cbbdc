import { type Command, Option } from 'commander'
import { startServer } from '../../server.ts'
import { type Environment, loadNamedConfig } from '../config-source.ts'
import { explainingStartup, UsageError } from '../context.ts'
import { releaseStartupMemory } from '../release-startup-memory.ts'

export function startCommand(program: Command, env: Environment): void {
  program
    .command('start')
    .description('run the authorization server')
    // The demo and its example apps live in the repository, not in the package: say where instead of "unknown option".
    .addOption(new Option('--demo').hideHelp())
    .action(async (options: { demo?: boolean }) => {
      if (options.demo) {
        throw new UsageError(
          'The demo runs from a checkout of the Keyward repository: `npm start` there. `keyward start` runs the server alone.',
        )
      }
      const loaded = loadNamedConfig(env)
      const { config } = loaded
      const server = await explainingStartup(loaded, () => startServer(config))

      console.log(`\nKeyward is running. Issuer: ${config.issuer}`)
      console.log('Press Ctrl+C to stop.\n')
      releaseStartupMemory()

      const stop = async () => {
        await server.close()
        process.exit(0)
      }
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop())
    })
}
