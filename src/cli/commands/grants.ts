import type { Command } from 'commander'
import {
  type Config,
  describeGrant,
  effectiveLifetime,
  formatDuration,
  grantsOf,
  revokeGrant,
} from '../../core/index.ts'
import type { Client } from '../../core/model/client.ts'
import type { Environment } from '../config-source.ts'
import { type AdminContext, existing, userNamed, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

/**
 * What revoking a grant does to the tokens already issued, exactly: refresh tokens and opaque access tokens are
 * looked up, so they stop at once; a JWT access token is checked against the store only by introspection and
 * UserInfo, and an API that verifies its signature locally accepts it until it expires.
 */
function whatRevocationEnds(client: Client | null, config: Config): string {
  if (client?.accessTokenFormat === 'opaque')
    return 'its refresh and access tokens stop working at once (its access tokens are opaque: every API asks Keyward).'
  const lifetime = formatDuration(
    client
      ? effectiveLifetime(client, config.lifetimes, 'accessToken').seconds
      : config.lifetimes.accessToken,
  )
  return (
    'its refresh tokens stop working at once, and introspection and UserInfo call its access tokens inactive; ' +
    `but an API that verifies JWT access tokens itself accepts those already issued until they expire, at most ${lifetime} from now.`
  )
}

export function grantsCommand(program: Command, env: Environment): void {
  const grants = program
    .command('grants')
    .description("what users let applications do (and 'disconnect this app')")

  const grantRows = async (admin: AdminContext, options: { user: string; client?: string }) => {
    const user = await userNamed(admin.stores, options.user)
    return (await grantsOf(user.id, options.client, admin)).map(describeGrant)
  }
  listCommand(grants, env, 'list', "list a user's grants", grantRows, {
    none: 'No grants.',
    line: (row) =>
      `${row.id}  ${row.client_name ?? row.client_id} (${row.client_id})  ${row.scope}  ${row.revoked_at ? `revoked (${row.revoked_reason})` : 'active'}`,
  })
    .requiredOption('--user <username>', 'the user')
    .option('--client <client>', 'only the grants to this client (its client_id or its name)')

  grants
    .command('revoke <grant_id>')
    .description(
      'revoke a grant: its refresh tokens stop working at once, its access tokens are inactive at introspection ' +
        'and UserInfo, but a JWT access token stays valid at APIs that verify it locally until it expires',
    )
    .option('--forget-consent', 'also forget the consent, so the user is asked again next time')
    .action(async (grantId: string, options: { forgetConsent?: boolean }) => {
      await withStores(env, async (stores, config, admin) => {
        const grant = existing(await stores.grants.get(grantId), `grant ${grantId}`)
        const revoked = await revokeGrant(grant, { forgetConsent: options.forgetConsent === true }, admin)
        if (!revoked) {
          console.log(`Grant ${grantId} was already revoked.`)
          return
        }
        console.log(
          `Revoked grant ${grantId}: ${whatRevocationEnds(await stores.clients.get(grant.clientId), config)}`,
        )
      })
    })
}
