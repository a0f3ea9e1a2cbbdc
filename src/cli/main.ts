import { inspect } from 'node:util'
import { Command, CommanderError } from 'commander'
import packageJson from '../../package.json' with { type: 'json' }
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
import { StartupFailure } from '../startup-failure.ts'
import { UsageError } from './context.ts'

/** Builds the `keyward` command line; `env` is where configuration comes from. */
export function buildProgram(env: Readonly<Record<string, string | undefined>>): Command {
  const program = new Command('keyward')
    .description('Keyward, an OAuth 2.0 / 2.1 authorization server')
    .version(packageJson.version, '-V, --version', 'print the version of Keyward')
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
  for (const command of everyCommand(program)) oneLineUsageErrors(command)
  return program
}

function* everyCommand(command: Command): Generator<Command> {
  yield command
  for (const sub of command.commands) yield* everyCommand(sub)
}

/** `keyward clients create`: how a person types the command. */
function pathOf(command: Command): string {
  const names: string[] = []
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name())
  return names.join(' ')
}

/**
 * A usage mistake is one line with its fix, not the command's whole help: a missing option says what it is for;
 * every error ends with where the options are listed. Set on every command, so new ones say it the same way.
 */
function oneLineUsageErrors(command: Command): void {
  const help = `(${pathOf(command)} --help lists ${command.commands.length > 0 ? 'its commands' : 'every option'})`
  command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => {
      const missing = /^error: required option '(.+)' not specified$/.exec(text.trim())
      const option = missing && command.options.find((candidate) => candidate.flags === missing[1])
      const line = option
        ? `error: ${pathOf(command)} needs ${option.flags}: ${option.description}`
        : text.trim()
      write(`${line} ${help}\n`)
    },
  })
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
  if (error instanceof StartupFailure) return error.message
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/**
 * Debug logging (KEYWARD_LOG_LEVEL=debug or trace) shows what lies under a start-up failure found before the
 * configuration loaded (the data directory); later ones say it themselves, as the configuration asks.
 */
const debugging = (env: Readonly<Record<string, string | undefined>>) =>
  env.KEYWARD_LOG_LEVEL === 'debug' || env.KEYWARD_LOG_LEVEL === 'trace'

export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  try {
    await buildProgram(env).parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    const message = explain(error)
    console.error(message)
    if (debugging(env) && error instanceof StartupFailure) console.error(inspect(error))
    return 1
  }
}
