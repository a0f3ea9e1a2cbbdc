import type { Command } from 'commander'
import { formatFindings, lintServer } from '../../core/advisor/lint.ts'
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
      if (findings.some((finding) => finding.severity === 'error')) process.exitCode = 1
    })
}
