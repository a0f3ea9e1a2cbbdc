import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { assertOAuthError, introspect, refresh } from '../support/oauth-client.ts'
import { grantTokens } from '../support/flow.ts'
import { resourceServer } from '../support/fixtures.ts'
import { jsonOf, runCli, serverAtHome } from '../support/cli.ts'

interface GrantRow {
  readonly id: string
  readonly client_id: string
  readonly client_name: string
  readonly scope: string
  readonly revoked_at: string | null
  readonly revoked_reason: string | null
}

const { home, server } = await serverAtHome()
const app = await server.client({ name: 'Photo app' })
const api = await resourceServer(server)

describe('keyward grants', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test("list shows a user's grants", async () => {
    const user = await server.user()
    assert.equal((await cli('grants', 'list', '--user', user.username)).stdout.trim(), 'No grants.')
    await grantTokens(server, app, user, 'read write')
    const [grant, ...others] = jsonOf<GrantRow[]>(
      await cli('grants', 'list', '--user', user.username, '--json'),
    )
    assert.equal(others.length, 0)
    assert.equal(grant?.client_id, app.client.id)
    assert.equal(grant?.scope, 'read write')
    assert.equal(grant?.revoked_at, null)
    assert.equal(grant?.client_name, 'Photo app')
    assert.equal(
      (await cli('grants', 'list', '--user', user.username)).stdout,
      `${grant?.id}  Photo app (${app.client.id})  read write  active\n`,
    )
  })

  test('list --client keeps the grants to that client, named by id or by name', async () => {
    const user = await server.user()
    const other = await server.client({ name: 'Calendar' })
    await grantTokens(server, app, user, 'read')
    await grantTokens(server, other, user, 'write')
    const listed = async (...filter: string[]) =>
      jsonOf<GrantRow[]>(await cli('grants', 'list', '--user', user.username, '--json', ...filter)).map(
        (row) => `${row.client_name} ${row.scope}`,
      )
    assert.deepEqual((await listed()).sort(), ['Calendar write', 'Photo app read'])
    assert.deepEqual(await listed('--client', other.client.id), ['Calendar write'])
    assert.deepEqual(await listed('--client', 'Photo app'), ['Photo app read'])
    assert.deepEqual(await listed('--client', 'nobody'), [])
  })

  test('revoke ends every token of the grant at the running server', async () => {
    const user = await server.user()
    const tokens = await grantTokens(server, app, user)
    const [grant] = jsonOf<GrantRow[]>(await cli('grants', 'list', '--user', user.username, '--json'))
    assert.ok(grant)

    const revoked = await cli('grants', 'revoke', grant.id)
    assert.equal(revoked.code, 0, revoked.stderr)
    // It says exactly what happens to the access token already issued (a JWT, the default format)...
    assert.equal(
      revoked.stdout,
      `Revoked grant ${grant.id}: its refresh tokens stop working at once, and introspection and UserInfo call ` +
        'its access tokens inactive; but an API that verifies JWT access tokens itself accepts those already ' +
        'issued until they expire, at most 10 minutes from now.\n',
    )
    assertOAuthError(await refresh(server, app, tokens.refreshToken), 400, 'invalid_grant')
    assert.deepEqual(await introspect(server, api, tokens.accessToken), { active: false })
    // ...and it is so: the signature and expiry still verify for an API that checks them locally.
    const { payload } = await jwtVerify(
      tokens.accessToken,
      createRemoteJWKSet(new URL(`${server.issuer}/jwks.json`)),
      {
        issuer: server.issuer,
        typ: 'at+jwt',
        currentDate: server.clock.now(),
      },
    )
    assert.equal(payload.exp, Math.floor(server.clock.now().getTime() / 1000) + 600)
    const [after] = jsonOf<GrantRow[]>(await cli('grants', 'list', '--user', user.username, '--json'))
    assert.equal(after?.revoked_reason, 'operator')
    assert.notEqual(after?.revoked_at, null)

    const again = await cli('grants', 'revoke', grant.id)
    assert.equal(again.code, 0)
    assert.match(again.stdout, /already revoked/)
  })

  test('revoke --forget-consent also forgets the remembered consent', async () => {
    const user = await server.user()
    await grantTokens(server, app, user)
    assert.notEqual(await server.core.stores.consents.get(user.id, app.client.id), null)
    const [grant] = jsonOf<GrantRow[]>(await cli('grants', 'list', '--user', user.username, '--json'))
    assert.equal((await cli('grants', 'revoke', grant?.id ?? '', '--forget-consent')).code, 0)
    assert.equal(await server.core.stores.consents.get(user.id, app.client.id), null)
  })

  test('an unknown user or grant exits 1 and says which', async () => {
    const noUser = await cli('grants', 'list', '--user', 'nobody')
    assert.equal(noUser.code, 1)
    assert.match(noUser.stderr, /No user nobody/)
    const noGrant = await cli('grants', 'revoke', 'no-such-grant')
    assert.equal(noGrant.code, 1)
    assert.match(noGrant.stderr, /No grant no-such-grant/)
  })
})
