import type { Command } from 'commander'
import { pino } from 'pino'
import {
  ADDRESS_PARTS,
  BOOLEAN_CLAIMS,
  type ClaimChanges,
  type Config,
  type CoreContext,
  type KeyRing,
  changeClaims,
  changePassword,
  changeUserClaims,
  createUser,
  deleteUser,
  describeSession,
  describeUser,
  endSessions,
  liveSessionsOf,
  OAuthError,
  openKeyRing,
  passwordProblem,
  TEXT_CLAIMS,
  unlockSignIn,
} from '../../core/index.ts'
import { logoutDelivery } from '../../outbound/backchannel-logout.ts'
import { openOutboundFetch } from '../../runtime.ts'
import { systemClock } from '../../system.ts'
import type { Environment } from '../config-source.ts'
import { type AdminContext, print, UsageError, userNamed, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'
import { askSecret } from '../prompt.ts'

/**
 * Runs a command that ends sessions with what back-channel logout needs: the signing keys and a delivery of logout
 * tokens through the configured outbound fetch, waited for (bounded: its timeout and a few attempts each) before the
 * command exits, as it would die with the process.
 */
async function endingSessions<T>(
  config: Config,
  admin: AdminContext,
  work: (
    ctx: AdminContext & Pick<CoreContext, 'logoutNotifier'> & { keys: Pick<KeyRing, 'idTokenKey'> },
  ) => Promise<T>,
): Promise<T> {
  // Opened only when a logout token is signed: a command that tells no client touches no key.
  let ring: Promise<KeyRing> | undefined
  const keys = {
    idTokenKey: async (alg: Parameters<KeyRing['idTokenKey']>[0]) => {
      ring ??= openKeyRing(admin.stores.keys, {
        ...admin,
        secret: config.secret,
        algorithm: config.signingAlgorithm,
      })
      return (await ring).idTokenKey(alg)
    },
  }
  const delivery = logoutDelivery(
    openOutboundFetch(config, admin.clock),
    pino({ name: 'keyward-cli', level: config.logLevel }, process.stderr),
  )
  try {
    return await work({ ...admin, keys, logoutNotifier: delivery })
  } finally {
    await delivery.settled()
  }
}

/**
 * The password from --password; else asked on a terminal, twice and without echo; else read from standard input
 * (a pipe), so that it stays out of shell history either way.
 */
async function passwordFrom(option: string | undefined, username: string): Promise<string> {
  if (option !== undefined) return option
  if (process.stdin.isTTY) {
    // On stderr: stdout stays the command's output (--json).
    const password = await askSecret(`New password for ${username}: `, process.stdin, process.stderr)
    const again = await askSecret('The same password again: ', process.stdin, process.stderr)
    if (password !== again) throw new UsageError('The two passwords differ: nothing was changed.')
    return password
  }
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

/** What a password change ended, in words. */
function ended(sessions: number | null, grants: number | null): string {
  const parts = [
    sessions === null ? 'kept the sessions' : `signed out of ${plural(sessions, 'session')}`,
    grants === null ? 'kept the grants' : `revoked ${plural(grants, 'grant')} with their tokens`,
  ]
  return parts.join('; ')
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

/**
 * The OpenID Connect claims as options (Core §5.1): --given-name, --email-verified true, --postal-code, ...;
 * each option's claim, by commander's camelCase name. The address parts are options of their own, the
 * formatted address is --address.
 */
const CLAIM_OPTIONS: readonly (readonly [flag: string, claim: keyof ClaimChanges])[] = [
  ...TEXT_CLAIMS.map((claim) => [claim, claim] as const),
  ...BOOLEAN_CLAIMS.map((claim) => [claim, claim] as const),
  ...ADDRESS_PARTS.map((part) => [part === 'formatted' ? 'address' : part, `address.${part}`] as const),
].map(([name, claim]): readonly [string, keyof ClaimChanges] => [`--${name.replaceAll('_', '-')}`, claim])

const camelCase = (flag: string) =>
  flag.slice(2).replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())

function withClaimOptions(command: Command): Command {
  for (const [flag, claim] of CLAIM_OPTIONS) {
    const value = BOOLEAN_CLAIMS.some((name) => name === claim) ? '<true|false>' : '<value>'
    command.option(`${flag} ${value}`, `the ${claim} claim ("" removes it)`)
  }
  return command
}

function claimChangesOf(options: Readonly<Record<string, unknown>>): ClaimChanges {
  const changes: Record<string, string> = {}
  for (const [flag, claim] of CLAIM_OPTIONS) {
    const value = options[camelCase(flag)]
    if (typeof value === 'string') changes[claim] = value
  }
  return changes
}

/** A refusal of the core (a taken username, a weak password) as the usage error the operator reads. */
function usageOf(error: unknown): never {
  throw error instanceof OAuthError ? new UsageError(error.description) : error
}

/** A rule of changeClaims broken, as the usage error the operator reads. */
function usage<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    return usageOf(error)
  }
}

export function usersCommand(program: Command, env: Environment): void {
  const users = program.command('users').description('manage the people who sign in')

  withClaimOptions(
    users
      .command('create <username>')
      .description(
        'create a user; the password comes from --password or standard input, the OpenID Connect claims ' +
          'from their options',
      )
      .option('--password <password>', 'the password (prefer standard input)')
      .option('--json', 'print one JSON object'),
  ).action(
    async (username: string, options: { password?: string; json?: boolean } & Record<string, unknown>) => {
      const claims = usage(() => changeClaims({}, claimChangesOf(options), systemClock.now()))
      const password = await passwordFrom(options.password, username)
      await withStores(env, async (_stores, _config, admin) => {
        const user = await createUser(username, password, claims, admin).catch(usageOf)
        print(options.json === true, { id: user.id, username }, () => `Created user ${username} (${user.id})`)
      })
    },
  )

  withClaimOptions(
    users
      .command('update <username>')
      .description('change the OpenID Connect claims of a user (UserInfo releases them by scope)')
      .option('--json', 'print the claims as JSON'),
  ).action(async (username: string, options: { json?: boolean } & Record<string, unknown>) => {
    await withStores(env, async (stores, _config, admin) => {
      const user = await userNamed(stores, username)
      const updated = await changeUserClaims(user.id, claimChangesOf(options), admin).catch(usageOf)
      if (updated === null) throw new UsageError(`No user ${username}.`)
      const { claims } = updated
      print(
        options.json === true,
        claims,
        () => `Updated the claims of ${username}: ${JSON.stringify(claims)}`,
      )
    })
  })

  const userRows = async ({ stores }: AdminContext) => (await stores.users.list()).map(describeUser)
  listCommand(users, env, 'list', 'list users', userRows, {
    none: 'No users.',
    line: (row) => `${row.id}  ${row.username}`,
  })

  users
    .command('delete <username>')
    .description('delete a user with their sessions, grants, tokens and consents')
    .action(async (username: string) => {
      await withStores(env, async (stores, _config, admin) => {
        const user = await stores.users.getByUsername(username)
        if (user === null || !(await deleteUser(user.id, admin))) throw new UsageError(`No user ${username}.`)
        console.log(`Deleted user ${username}.`)
      })
    })

  users
    .command('set-password <username>')
    .description(
      'set a new password (from --password or standard input); by default this also signs the user out ' +
        'everywhere and revokes every grant with its tokens, so whoever knew the old password keeps nothing',
    )
    .option('--password <password>', 'the password (prefer standard input)')
    .option('--keep-sessions', 'leave browsers signed in')
    .option('--keep-tokens', 'leave applications their grants and tokens')
    .action(
      async (
        username: string,
        options: { password?: string; keepSessions?: boolean; keepTokens?: boolean },
      ) => {
        const password = await passwordFrom(options.password, username)
        const problem = passwordProblem(password)
        if (problem) throw new UsageError(problem)
        const keep = { sessions: options.keepSessions === true, tokens: options.keepTokens === true }
        await withStores(env, async (stores, config, admin) => {
          const user = await userNamed(stores, username)
          const result = await endingSessions(config, admin, (ctx) =>
            changePassword(user.id, password, keep, ctx),
          )
          if (result === null) throw new UsageError(`No user ${username}.`)
          const summary = ended(keep.sessions ? null : result.sessions, keep.tokens ? null : result.grants)
          console.log(`Set a new password for ${username}; ${summary}.`)
        })
      },
    )

  const sessions = users.command('sessions').description("a user's sign-in sessions at Keyward's pages")

  const liveSessions = async (admin: AdminContext, username: string) => {
    const user = await userNamed(admin.stores, username)
    return (await liveSessionsOf(user.id, admin)).map(describeSession)
  }
  listCommand(
    sessions,
    env,
    'list <username>',
    'when each live session began and when it ends (never its id)',
    liveSessions,
    {
      none: 'No sessions.',
      line: (row) => `signed in at ${row.signed_in_at}, ends at ${row.expires_at}`,
    },
  )

  sessions
    .command('revoke <username>')
    .description(
      'sign the user out everywhere: each browser must sign in again (grants stay; see grants revoke)',
    )
    .action(async (username: string) => {
      await withStores(env, async (stores, config, admin) => {
        const user = await userNamed(stores, username)
        const count = await endingSessions(config, admin, (ctx) => endSessions(user.id, ctx))
        console.log(`Ended ${plural(count, 'session')} of ${username}.`)
      })
    })

  users
    .command('unlock <username>')
    .description('end the waits that failed sign-ins put on a username, at every address and on every node')
    .action(async (username: string) => {
      await withStores(env, async (stores, _config, admin) => {
        const user = await userNamed(stores, username)
        await unlockSignIn(user, admin)
        console.log(`Unlocked ${username}: earlier failed sign-ins no longer hold it up.`)
      })
    })
}
