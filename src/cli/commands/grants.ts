import type { Command } from 'commander'
import { revokeGrant } from '../../core/index.ts'
import type { Environment } from '../config-source.ts'
import { print, UsageError, withStores } from '../context.ts'

export function grantsCommand(program: Command, env: Environment): void {
  const grants = program
    .command('grants')
    .description("what users let applications do (and 'disconnect this app')")

  grants
    .command('list')
    .description("list a user's grants")
    .requiredOption('--user <username>', 'the user')
    .option('--json', 'print JSON')
    .action(async (options: { user: string; json?: boolean }) => {
      await withStores(env, async (stores) => {
        const user = await stores.users.getByUsername(options.user)
        if (user === null) throw new UsageError(`No user ${options.user}.`)
        const rows = (await stores.grants.listByUser(user.id)).map((grant) => ({
          id: grant.id,
          client_id: grant.clientId,
          scope: grant.scope.join(' '),
          created_at: grant.createdAt.toISOString(),
          revoked_at: grant.revokedAt?.toISOString() ?? null,
          revoked_reason: grant.revokedReason,
        }))
        print(options.json === true, rows, () =>
          rows.length === 0
            ? 'No grants.'
            : rows
                .map(
                  (row) =>
                    `${row.id}  ${row.client_id}  ${row.scope}  ${row.revoked_at ? `revoked (${row.revoked_reason})` : 'active'}`,
                )
                .join('\n'),
        )
      })
    })

  grants
    .command('revoke <grant_id>')
    .description('revoke a grant: every refresh and access token issued under it stops working')
    .option('--forget-consent', 'also forget the consent, so the user is asked again next time')
    .action(async (grantId: string, options: { forgetConsent?: boolean }) => {
      await withStores(env, async (stores, _config, admin) => {
        const grant = await stores.grants.get(grantId)
        if (grant === null) throw new UsageError(`No grant ${grantId}.`)
        const revoked = await revokeGrant(grant, { forgetConsent: options.forgetConsent === true }, admin)
        console.log(
          revoked ? `Revoked grant ${grantId} and its tokens.` : `Grant ${grantId} was already revoked.`,
        )
      })
    })
}
