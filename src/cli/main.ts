import { inspect } from 'node:util'
import { Command, CommanderError } from 'commander'
import packageJson from '../../package.json' with { type: 'json' }
import { ClientRegistrationError, ConfigError, ResourceRegistrationError } from '../core/index.ts'
import { StartupFailure } from '../startup-failure.ts'
import { UsageError } from './context.ts'

type Environment = Readonly<Record<string, string | undefined>>
type CommandModule = (program: Command, env: Environment) => void

/**
 * Each command's module, imported only when that command runs (issue #14): `keyward start` then loads neither
 * the code of the other commands nor what only they import.
 */
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  start: async () => (await import('./commands/start.ts')).startCommand,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
  clients: async () => (await import('./commands/clients.ts')).clientsCommand,
  users: async () => (await import('./commands/users.ts')).usersCommand,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  grants: async () => (await import('./commands/grants.ts')).grantsCommand,
  'registration-tokens': async () =>
    (await import('./commands/registration-tokens.ts')).registrationTokensCommand,
  resources: async () => (await import('./commands/resources.ts')).resourcesCommand,
  admin: async () => (await import('./commands/admin.ts')).adminCommand,
  advise: async () => (await import('./commands/advise.ts')).adviseCommand,
  lint: async () => (await import('./commands/lint.ts')).lintCommand,
}

/**
 * Builds the `keyward` command line for `argv`, the arguments it will parse; `env` is where configuration comes
 * from. Only the command `argv` names is loaded; every command when it names none (or one that does not exist),
 * so that the help lists them all and a mistyped name gets its suggestion. The only options before a command
 * name are --version and --help, so the first argument that is not an option is the command's name.
 */
export async function buildProgram(env: Environment, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('keyward')
    .description('Keyward, an OAuth 2.0 / 2.1 authorization server')
    .version(packageJson.version, '-V, --version', 'print the version of Keyward')
    // Usage errors throw CommanderError (inherited by every subcommand) so main returns their exit code
    // instead of commander calling process.exit under an embedding caller.
    .exitOverride()
  const named = argv.find((argument) => !argument.startsWith('-'))
  const loading = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS)
  // Registered in the table's order, which is the order the help lists them in.
  const commands = await Promise.all(loading.map((name) => COMMANDS[name]!()))
  for (const register of commands) register(program, env)
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
const debugging = (env: Environment) => env.KEYWARD_LOG_LEVEL === 'debug' || env.KEYWARD_LOG_LEVEL === 'trace'

export async function main(argv: readonly string[], env: Environment): Promise<number> {
  try {
    await (await buildProgram(env, argv)).parseAsync([...argv], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    const message = explain(error)
    console.error(message)
    if (debugging(env) && error instanceof StartupFailure) console.error(inspect(error))
    return 1
  }
}
