import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as oauth from 'oauth4webapi'
import { adminClient } from '../../support/admin-api.ts'
import { discover, insecure } from '../../support/oauth4webapi.ts'
import type { RegisteredClient } from '../../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// A deployment pipeline on oauth4webapi's defaults: discovery, the client credentials grant, then the admin API as
// a protected resource, and the library's reading of the Bearer challenge when a scope is missing.
describe('end to end: oauth4webapi calls the admin API', () => {
  let server: TestServer
  let as: oauth.AuthorizationServer

  before(async () => {
    server = await startTestServer()
    as = await discover(server.issuer)
  })
  after(() => server.close())

  async function tokenOf(registered: RegisteredClient): Promise<string> {
    const client = { client_id: registered.client.id }
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(registered.secret ?? ''),
      new URLSearchParams(),
      insecure,
    )
    return (await oauth.processClientCredentialsResponse(as, client, response)).access_token
  }

  const call = (token: string, method: string, path: string, body?: unknown) =>
    oauth.protectedResourceRequest(
      token,
      method,
      new URL(`${server.issuer}${path}`),
      new Headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body === undefined ? null : JSON.stringify(body),
      insecure,
    )

  test('creates a user and lists it', async () => {
    const token = await tokenOf(await adminClient(server))
    const created = await call(token, 'POST', '/admin/users', {
      username: 'carol',
      password: 'a good password',
    })
    assert.equal(created.status, 201)
    const listed = (await (await call(token, 'GET', '/admin/users')).json()) as {
      users: { username: string }[]
    }
    assert.deepEqual(
      listed.users.map((user) => user.username),
      ['carol'],
    )
  })

  test('a read-only client is told which scope it lacks, in a challenge the library parses', async () => {
    const token = await tokenOf(await adminClient(server, false))
    await assert.rejects(call(token, 'POST', '/admin/keys/rotate'), (error) => {
      assert.ok(error instanceof oauth.WWWAuthenticateChallengeError)
      assert.equal(error.status, 403)
      const [challenge] = error.cause
      assert.equal(challenge?.scheme, 'bearer')
      assert.equal(challenge?.parameters.error, 'insufficient_scope')
      assert.equal(challenge?.parameters.scope, 'admin:write')
      return true
    })
  })
})
