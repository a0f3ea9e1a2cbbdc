import { Command, CommanderError } from 'commander'
import { ClientRegistrationError, ConfigError, ResourceRegistrationError } from '../core/index.ts'
import { adminCommand } from './commands/admin.ts'
import { adviseCommand } from './commands/advise.ts'
import { clientsCommand } from './commands/clients.ts'
import { grantsCommand } from './commands/grants.ts'
import { keysCommand } from './commands/keys.ts'
import { lintCommand } from './commands/lint.ts'
import { migrateCommand } from './commands/migrate.ts'
import { registrationTokensCommand } from './commands/registration-tokens.ts'
import { resourcesCommand } from './commands/resources.ts'
import { startCommand } from './commands/start.ts'
import { usersCommand } from './commands/users.ts'
import { UsageError } from './context.ts'

/** Builds the `keyward` command line; `env` is where configuration comes from. */
export function buildProgram(env: Readonly<Record<string, string | undefined>>): Command {
  const program = new Command('keyward')
    .description('Keyward, an OAuth 2.0 / 2.1 authorization server')
    .showHelpAfterError()
    // Usage errors throw CommanderError (inherited by every subcommand) so main returns their exit code
    // instead of commander calling process.exit under an embedding caller.
    .exitOverride()
  startCommand(program, env)
  migrateCommand(program, env)
  clientsCommand(program, env)
  usersCommand(program, env)
  keysCommand(program, env)
  grantsCommand(program, env)
  registrationTokensCommand(program, env)
  resourcesCommand(program, env)
  adminCommand(program, env)
  adviseCommand(program)
  lintCommand(program, env)
  return program
}

/** Mistakes the user can fix are printed plainly; anything else is a bug and keeps its stack. */
function explain(error: unknown): string {
  if (error instanceof ConfigError) return error.message
  if (error instanceof ClientRegistrationError) {
    return `The client was not created:\n${error.problems.map((problem) => `  - ${problem}`).join('\n')}`
  }
  if (error instanceof ResourceRegistrationError) {
    return `The resource was not created:\n${error.problems.map((problem) => `  - ${problem}`).join('\n')}`
  }
  if (error instanceof UsageError) return error.message
  const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number }
  if (code === 'EADDRINUSE') {
    return `${address}:${port} is already in use. Stop what uses it, or pick another port with KEYWARD_PORT.`
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  try {
    await buildProgram(env).parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    console.error(explain(error))
    return 1
  }
}
