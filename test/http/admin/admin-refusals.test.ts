import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { adminCall, adminClient, servedDocument, tokenOf } from '../../support/admin-api.ts'
import { eventsNamed } from '../../support/events.ts'
import { serviceClient } from '../../support/fixtures.ts'
import { grantTokens } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// RFC 6750 §3: who the admin API refuses, each with the Bearer challenge and an RFC 6749 §5.2 body.
describe('admin API refusals', () => {
  let server: TestServer
  let spec: Awaited<ReturnType<typeof servedDocument>>

  before(async () => {
    server = await startTestServer()
    spec = await servedDocument(server)
  })
  after(() => server.close())

  const refused = async (token: string | null, method: string, template: string, status: number) => {
    const reply = await adminCall(server, token, method, template)
    spec.assertAnswer(method, template, reply)
    assert.equal(reply.status, status, JSON.stringify(reply.json))
    return { reply, challenge: reply.headers.get('www-authenticate') ?? '' }
  }

  test('no token: 401 and a challenge without error, on every operation the document lists', async () => {
    for (const [template, methods] of Object.entries(spec.document.paths)) {
      for (const method of Object.keys(methods)) {
        const { challenge } = await refused(null, method.toUpperCase(), template, 401)
        assert.equal(challenge, 'Bearer realm="keyward"', `${method} ${template}`)
      }
    }
  })

  test('a token that is not one of ours, or not a Bearer token: 401 invalid_token', async () => {
    const { challenge } = await refused('not-a-token', 'GET', '/admin/clients', 401)
    assert.match(challenge, /^Bearer realm="keyward", error="invalid_token"/)
    const basic = await fetch(`${server.issuer}/admin/clients`, {
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    })
    assert.equal(basic.status, 401)
  })

  test("an ordinary client's token, even with every scope it has: 403 insufficient_scope", async () => {
    const service = await serviceClient(server, {
      scopes: ['read', 'write'],
      defaultScopes: ['read', 'write'],
    })
    const token = await tokenOf(server, service)
    const { reply, challenge } = await refused(token, 'GET', '/admin/clients', 403)
    assert.equal((reply.json as { error: string }).error, 'insufficient_scope')
    assert.match(challenge, /error="insufficient_scope"/)
    assert.match(challenge, /scope="admin:read"/)
  })

  test("a person's token is refused: the admin API takes a client acting for itself", async () => {
    const user = await server.user()
    const app = await server.client({})
    const { accessToken } = await grantTokens(server, app, user, 'read')
    await refused(accessToken, 'GET', '/admin/users', 401)
  })

  test('admin:read reads but does not write; a token narrowed to admin:read neither', async () => {
    const reader = await adminClient(server, false)
    const token = await tokenOf(server, reader)
    assert.equal((await adminCall(server, token, 'GET', '/admin/clients')).status, 200)
    const { challenge } = await refused(token, 'DELETE', '/admin/clients/{client_id}', 403)
    assert.match(challenge, /scope="admin:write"/)

    const writer = await adminClient(server)
    const narrowed = await tokenOf(server, writer, 'admin:read')
    await refused(narrowed, 'POST', '/admin/keys/rotate', 403)
  })

  test("a deleted admin client's tokens stop at once, JWTs included", async () => {
    const writer = await adminClient(server)
    const token = await tokenOf(server, writer)
    assert.equal((await adminCall(server, token, 'DELETE', `/admin/clients/${writer.client.id}`)).status, 204)
    await refused(token, 'GET', '/admin/clients', 401)
  })

  test('an expired token: 401 invalid_token', async () => {
    const writer = await adminClient(server)
    const token = await tokenOf(server, writer)
    server.clock.advance(601)
    await refused(token, 'GET', '/admin/clients', 401)
  })

  test('malformed input is invalid_request, never a 500', async () => {
    const token = await tokenOf(server, await adminClient(server))
    const post = (body: string, type: string) =>
      fetch(`${server.issuer}/admin/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
      })
    for (const response of [
      await post('{"username":', 'application/json'),
      await post('username=alice', 'application/x-www-form-urlencoded'),
      await post('[]', 'application/json'),
      await post('null', 'application/json'),
      await post(JSON.stringify({ username: 'a'.repeat(300), password: 'long enough' }), 'application/json'),
      await post(JSON.stringify({ username: 'a', password: 'x'.repeat(100_000) }), 'application/json'),
      await fetch(`${server.issuer}/admin/grants?user_id=a&user_id=b`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    ]) {
      assert.equal(response.status, 400, await response.clone().text())
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request')
    }
  })

  test('refusals are security events: the operation and why', () => {
    const events = eventsNamed(server.logs, 'admin_api_refused')
    assert.ok(
      events.some((event) => event.operation === 'listClients' && event.reason === 'insufficient_scope'),
    )
    assert.ok(events.some((event) => event.reason === 'invalid_token'))
  })
})
