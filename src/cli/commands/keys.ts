import type { Command } from 'commander'
import { describeKey, rotateKeys } from '../../core/index.ts'
import type { Environment } from '../config-source.ts'
import { type AdminContext, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

export function keysCommand(program: Command, env: Environment): void {
  const keys = program.command('keys').description('the keys that sign access tokens')

  const keyRows = async ({ stores, clock }: AdminContext) =>
    (await stores.keys.listPublished(clock.now())).map(describeKey)
  listCommand(keys, env, 'list', 'list published signing keys, newest first', keyRows, {
    none: 'No signing keys.',
    line: (row) => `${row.kid}  ${row.alg}  ${row.status.padEnd(7)}  ${row.published_until ?? ''}`,
  })

  keys
    .command('rotate')
    .description('make a new signing key; the old ones stay in the JWKS until the tokens they signed expire')
    .action(async () => {
      await withStores(env, async (_stores, config, admin) => {
        const { key, publishedFor } = await rotateKeys(admin)
        const switching = config.databaseUrl.startsWith('sqlite:') ? 'within a minute' : 'at once'
        console.log(
          `New signing key ${key.kid} (${key.alg}). Running servers switch to it ${switching}; ` +
            `the previous keys stay published for ${publishedFor} s.`,
        )
      })
    })
}
