import type { Command } from 'commander'
import { changePassword, endSessions, unlockSignIn, newUser, passwordProblem } from '../../core/index.ts'
import { cryptoRandom, systemClock } from '../../system.ts'
import type { Environment } from '../config-source.ts'
import { type AdminContext, print, UsageError, userNamed, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

/** The password from --password, or from standard input so that it stays out of shell history. */
async function passwordFrom(option: string | undefined): Promise<string> {
  if (option !== undefined) return option
  if (process.stdin.isTTY) throw new UsageError('Pass --password, or pipe the password on standard input.')
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

export function usersCommand(program: Command, env: Environment): void {
  const users = program.command('users').description('manage the people who sign in')

  users
    .command('create <username>')
    .description('create a user; the password comes from --password or standard input')
    .option('--password <password>', 'the password (prefer standard input)')
    .option('--json', 'print one JSON object')
    .action(async (username: string, options: { password?: string; json?: boolean }) => {
      const password = await passwordFrom(options.password)
      await withStores(env, async (stores) => {
        if (await stores.users.getByUsername(username))
          throw new UsageError(`The user ${username} exists already.`)
        const user = await newUser(username, password, { clock: systemClock, random: cryptoRandom }).catch(
          (error: Error) => {
            throw new UsageError(error.message)
          },
        )
        await stores.users.create(user)
        print(options.json === true, { id: user.id, username }, () => `Created user ${username} (${user.id})`)
      })
    })

  const userRows = async ({ stores }: AdminContext) =>
    (await stores.users.list()).map((user) => ({
      id: user.id,
      username: user.username,
      created_at: user.createdAt.toISOString(),
    }))
  listCommand(users, env, 'list', 'list users', userRows, {
    none: 'No users.',
    line: (row) => `${row.id}  ${row.username}`,
  })

  users
    .command('delete <username>')
    .description('delete a user with their sessions, grants, tokens and consents')
    .action(async (username: string) => {
      await withStores(env, async (stores) => {
        const user = await stores.users.getByUsername(username)
        if (user === null || !(await stores.users.delete(user.id)))
          throw new UsageError(`No user ${username}.`)
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
        const password = await passwordFrom(options.password)
        const problem = passwordProblem(password)
        if (problem) throw new UsageError(problem)
        const keep = { sessions: options.keepSessions === true, tokens: options.keepTokens === true }
        await withStores(env, async (stores, _config, admin) => {
          const user = await userNamed(stores, username)
          const result = await changePassword(user.id, password, keep, admin)
          if (result === null) throw new UsageError(`No user ${username}.`)
          const summary = ended(keep.sessions ? null : result.sessions, keep.tokens ? null : result.grants)
          console.log(`Set a new password for ${username}; ${summary}.`)
        })
      },
    )

  const sessions = users.command('sessions').description("a user's sign-in sessions at Keyward's pages")

  const liveSessions = async ({ stores, clock }: AdminContext, username: string) => {
    const user = await userNamed(stores, username)
    const now = clock.now()
    return (await stores.sessions.listByUser(user.id))
      .filter((session) => session.expiresAt > now)
      .map((session) => ({
        signed_in_at: session.authTime.toISOString(),
        expires_at: session.expiresAt.toISOString(),
      }))
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
      await withStores(env, async (stores, _config, admin) => {
        const user = await userNamed(stores, username)
        const count = await endSessions(user.id, admin)
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
