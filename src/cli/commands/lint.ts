import { type Command, CommanderError } from 'commander'
import { formatFindings, lintServer } from '../../core/index.ts'
import type { Environment } from '../config-source.ts'
import { print, withStores } from '../context.ts'

export function lintCommand(program: Command, env: Environment): void {
  program
    .command('lint')
    .description(
      'check every client and the server configuration against security practice; exit 1 on errors',
    )
    .option('--json', 'print the findings as a JSON array')
    .action(async (options: { json?: boolean }) => {
      const findings = await withStores(env, async (stores, config) =>
        lintServer(config, await stores.clients.list()),
      )
      print(options.json === true, findings, () => formatFindings(findings))
      // Exit 1 through main's return value (a CommanderError carries its exit code and prints nothing more),
      // not process.exitCode, which would leak into a process that embeds main.
      if (findings.some((finding) => finding.severity === 'error')) {
        throw new CommanderError(1, 'keyward.lintErrors', 'The configuration has errors.')
      }
    })
}
