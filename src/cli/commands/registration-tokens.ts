import type { Command } from 'commander'
import {
  createInitialAccessToken,
  INITIAL_ACCESS_TOKEN_LIMITS,
  revokeInitialAccessToken,
} from '../../core/index.ts'
import type { InitialAccessToken } from '../../core/model/initial-access-token.ts'
import type { Environment } from '../config-source.ts'
import { print, UsageError, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** `90`, `90s`, `15m`, `12h` or `7d`, in seconds. */
function duration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim())
  if (!match) throw new UsageError('--ttl is a whole number of seconds, or one with s, m, h or d (e.g. 12h).')
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1)
}

function count(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError('--uses is a whole number.')
  return Number(value)
}

/** A token as an operator sees it: its id and what is left of it, never the token nor its digest. */
function describeToken(token: InitialAccessToken): Record<string, unknown> {
  return {
    id: token.id,
    uses_left: token.usesLeft,
    created_at: token.createdAt.toISOString(),
    expires_at: token.expiresAt.toISOString(),
  }
}

/** RFC 7591 §3 initial access tokens, for a server whose registration policy is `token`. */
export function registrationTokensCommand(program: Command, env: Environment): void {
  const tokens = program
    .command('registration-tokens')
    .description('initial access tokens that let their holders register clients (registration policy: token)')

  tokens
    .command('create')
    .description('make a token, shown once; Keyward keeps only its digest')
    .option(
      '--ttl <duration>',
      'how long it may be used: seconds, or 15m, 12h, 7d (default: 1d, at most 30d)',
      '1d',
    )
    .option(
      '--uses <count>',
      `how many clients it may register (default: 1, at most ${INITIAL_ACCESS_TOKEN_LIMITS.uses})`,
      '1',
    )
    .option('--json', 'print one JSON object')
    .action(async (options: { ttl: string; uses: string; json?: boolean }) => {
      await withStores(env, async (_stores, config, admin) => {
        const ttlSeconds = duration(options.ttl)
        const uses = count(options.uses)
        let made: Awaited<ReturnType<typeof createInitialAccessToken>>
        try {
          made = await createInitialAccessToken({ ttlSeconds, uses }, admin)
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(error.message)
          throw error
        }
        if (config.registration.policy !== 'token') {
          console.error(
            `Warning: the registration policy is ${config.registration.policy}, so this token is not needed ` +
              'to register: set KEYWARD_REGISTRATION_POLICY=token for tokens to be required.',
          )
        }
        print(options.json === true, { ...describeToken(made.record), token: made.token }, () =>
          [
            `Created initial access token ${made.record.id}`,
            `  token:      ${made.token}`,
            `  uses:       ${made.record.usesLeft}`,
            `  expires at: ${made.record.expiresAt.toISOString()}`,
            '  (shown once: Keyward keeps only its digest; send it as Authorization: Bearer to /register)',
          ].join('\n'),
        )
      })
    })

  listCommand(
    tokens,
    env,
    'list',
    'list initial access tokens (ids, uses left, expiry)',
    ({ stores }) => stores.initialAccessTokens.list(),
    {
      none: 'No registration tokens.',
      line: (token) =>
        `${token.id}  ${String(token.usesLeft).padStart(4)} uses left  expires ${token.expiresAt.toISOString()}`,
      json: describeToken,
    },
  )

  tokens
    .command('revoke <id>')
    .description('revoke a token at once; the clients it registered stay')
    .action(async (id: string) => {
      await withStores(env, async (_stores, _config, admin) => {
        if (!(await revokeInitialAccessToken(id, admin))) throw new UsageError(`No registration token ${id}.`)
        console.log(`Revoked registration token ${id}.`)
      })
    })
}
