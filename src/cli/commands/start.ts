import type { Command } from 'commander'
import { logEvents } from '../../events/log-events.ts'
import { createLogger } from '../../http/logger.ts'
import { renderDemoHome } from '../../http/views/demo-home.ts'
import { startServer } from '../../server.ts'
import { openStores } from '../../store/index.ts'
import { cryptoRandom, systemClock } from '../../system.ts'
import { dataDirectory, type Environment, loadConfig } from '../config-source.ts'
import type { DemoApps } from '../demo.ts'
import { releaseStartupMemory } from '../release-startup-memory.ts'

export function startCommand(program: Command, env: Environment): void {
  program
    .command('start')
    .description('run the authorization server')
    .option('--demo', 'also create a demo user and client and start the example apps')
    .action(async (options: { demo?: boolean }) => {
      const config = loadConfig(env)
      // The demo brings the example apps and their libraries (jose, oauth4webapi, a resource server): loaded only
      // when asked for, so that a production start pays neither their start-up time nor their memory.
      const demo = options.demo ? await import('../demo.ts') : null
      const demoClients = demo
        ? await (async () => {
            const stores = await openStores(config.databaseUrl)
            // Its clients' events go where the server's will: the same JSON lines on stdout.
            const events = logEvents(createLogger(config.logLevel))
            const ctx = { config, stores, clock: systemClock, random: cryptoRandom, events }
            try {
              return await demo.provisionDemo(ctx, dataDirectory(env))
            } finally {
              await stores.close()
            }
          })()
        : null
      let examples: DemoApps | null = null
      const server = await startServer(config, {
        extend: (app, core) => {
          if (demo === null) return
          app.get('/', (_request, reply) =>
            reply.type('text/html; charset=utf-8').send(
              renderDemoHome({
                issuer: core.config.issuer,
                examples: examples?.examples ?? [],
                username: demo.DEMO_USER.username,
                password: demo.DEMO_USER.password,
              }),
            ),
          )
        },
      })
      if (demo !== null && demoClients !== null) {
        try {
          examples = await demo.startDemoApps(server.core, demoClients, dataDirectory(env))
        } catch (error) {
          // Without its example apps the demo is not what was asked for: stop rather than run half of it.
          await server.close()
          throw error
        }
      }

      console.log(`\nKeyward is running. Issuer: ${config.issuer}`)
      if (demo !== null && examples !== null) {
        console.log(`\nDemo: open ${config.issuer}/ in a browser and pick an example, or go straight to one`)
        console.log('(the commands run in a second terminal):')
        for (const example of examples.examples) {
          console.log(`  ${example.legacy === undefined ? '' : 'LEGACY '}${example.title}: ${example.url}`)
        }
        console.log(`Sign in as "${demo.DEMO_USER.username}" with password "${demo.DEMO_USER.password}".`)
      }
      console.log('Press Ctrl+C to stop.\n')
      releaseStartupMemory()

      const stop = async () => {
        await examples?.close()
        await server.close()
        process.exit(0)
      }
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop())
    })
}
