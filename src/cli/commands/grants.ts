import type { Command } from 'commander'
import { revokeGrant } from '../../core/index.ts'
import type { Environment } from '../config-source.ts'
import { type AdminContext, existing, userNamed, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

export function grantsCommand(program: Command, env: Environment): void {
  const grants = program
    .command('grants')
    .description("what users let applications do (and 'disconnect this app')")

  const grantRows = async ({ stores }: AdminContext, options: { user: string }) => {
    const user = await userNamed(stores, options.user)
    return (await stores.grants.listByUser(user.id)).map((grant) => ({
      id: grant.id,
      client_id: grant.clientId,
      scope: grant.scope.join(' '),
      created_at: grant.createdAt.toISOString(),
      revoked_at: grant.revokedAt?.toISOString() ?? null,
      revoked_reason: grant.revokedReason,
    }))
  }
  listCommand(grants, env, 'list', "list a user's grants", grantRows, {
    none: 'No grants.',
    line: (row) =>
      `${row.id}  ${row.client_id}  ${row.scope}  ${row.revoked_at ? `revoked (${row.revoked_reason})` : 'active'}`,
  }).requiredOption('--user <username>', 'the user')

  grants
    .command('revoke <grant_id>')
    .description('revoke a grant: every refresh and access token issued under it stops working')
    .option('--forget-consent', 'also forget the consent, so the user is asked again next time')
    .action(async (grantId: string, options: { forgetConsent?: boolean }) => {
      await withStores(env, async (stores, _config, admin) => {
        const grant = existing(await stores.grants.get(grantId), `grant ${grantId}`)
        const revoked = await revokeGrant(grant, { forgetConsent: options.forgetConsent === true }, admin)
        console.log(
          revoked ? `Revoked grant ${grantId} and its tokens.` : `Grant ${grantId} was already revoked.`,
        )
      })
    })
}
