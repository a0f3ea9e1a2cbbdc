import type { Command } from 'commander'
import { rotateSigningKey } from '../../core/index.ts'
import { cryptoRandom, systemClock } from '../../system.ts'
import type { Environment } from '../config-source.ts'
import { type AdminContext, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

/** A retired key stays published this much longer than the longest access token, for nodes still signing with it. */
const RELOAD_MARGIN_SECONDS = 120

export function keysCommand(program: Command, env: Environment): void {
  const keys = program.command('keys').description('the keys that sign access tokens')

  const keyRows = async ({ stores, clock }: AdminContext) =>
    (await stores.keys.listPublished(clock.now())).map((key) => ({
      kid: key.kid,
      alg: key.alg,
      status: key.retiredAt === null ? 'signing' : 'retired',
      created_at: key.createdAt.toISOString(),
      published_until: key.publishUntil?.toISOString() ?? null,
    }))
  listCommand(keys, env, 'list', 'list published signing keys, newest first', keyRows, {
    none: 'No signing keys.',
    line: (row) => `${row.kid}  ${row.alg}  ${row.status.padEnd(7)}  ${row.published_until ?? ''}`,
  })

  keys
    .command('rotate')
    .description('make a new signing key; the old ones stay in the JWKS until the tokens they signed expire')
    .action(async () => {
      await withStores(env, async (stores, config, admin) => {
        const clients = await stores.clients.list()
        const longest = Math.max(
          config.lifetimes.accessToken,
          ...clients.map((c) => c.lifetimes.accessToken ?? 0),
        )
        // One transaction: servers reload once, and never see the new key beside an unretired old one.
        const key = await stores.transaction((tx) =>
          rotateSigningKey(tx.keys, {
            secret: config.secret,
            clock: systemClock,
            random: cryptoRandom,
            algorithm: config.signingAlgorithm,
            publishFor: longest + RELOAD_MARGIN_SECONDS,
            events: admin.events,
          }),
        )
        const switching = config.databaseUrl.startsWith('sqlite:') ? 'within a minute' : 'at once'
        console.log(
          `New signing key ${key.kid} (${key.alg}). Running servers switch to it ${switching}; ` +
            `the previous keys stay published for ${longest + RELOAD_MARGIN_SECONDS} s.`,
        )
      })
    })
}
