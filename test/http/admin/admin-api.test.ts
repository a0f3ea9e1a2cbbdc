import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { adminCall, adminClient, servedDocument, tokenOf } from '../../support/admin-api.ts'
import { eventsNamed } from '../../support/events.ts'
import { grantTokens, newBrowser } from '../../support/flow.ts'
import {
  assertOAuthError,
  clientCredentials,
  type RegisteredClient,
  refresh,
  tokensOf,
} from '../../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// Every operation of the admin API end to end: a real token from the client credentials grant of an admin
// client, each request body one the served OpenAPI document accepts, each answer checked against the document.
describe('admin API', () => {
  let server: TestServer
  let admin: RegisteredClient
  let token: string
  let spec: Awaited<ReturnType<typeof servedDocument>>

  before(async () => {
    server = await startTestServer()
    admin = await adminClient(server)
    token = await tokenOf(server, admin)
    spec = await servedDocument(server)
  })
  after(() => server.close())

  /** Calls the operation at `template` (its path parameters filled in from `path`) and checks the answer. */
  const call = async (method: string, template: string, path: string, body?: unknown) => {
    if (body !== undefined) {
      assert.ok(spec.acceptsRequest(method, template, body), `the document accepts ${JSON.stringify(body)}`)
    }
    const reply = await adminCall(server, token, method, path, body)
    spec.assertAnswer(method, template, reply)
    return reply
  }
  const json = (reply: { json: unknown }) => reply.json as Record<string, unknown>

  test('clients: create, list, get, rotate the secret, delete', async () => {
    const created = await call('POST', '/admin/clients', '/admin/clients', {
      client_name: 'Reports job',
      grant_types: ['client_credentials'],
      scope: 'read',
    })
    assert.equal(created.status, 201)
    const { client_id: id, client_secret: secret } = json(created) as {
      client_id: string
      client_secret: string
    }
    assert.equal(json(created).client_type, 'confidential')
    const registered = { client: (await server.core.stores.clients.get(id))!, secret }
    tokensOf(await clientCredentials(server, registered, 'read'))

    const listed = await call('GET', '/admin/clients', '/admin/clients')
    const ids = (json(listed).clients as { client_id: string }[]).map((client) => client.client_id)
    assert.deepEqual(ids.sort(), [admin.client.id, id].sort())
    const shown = await call('GET', '/admin/clients/{client_id}', `/admin/clients/${id}`)
    assert.equal(json(shown).client_name, 'Reports job')
    assert.equal(json(shown).client_secret, undefined, 'a secret is never shown again')

    const logout = { post_logout_redirect_uris: ['https://reports.example/bye'] }
    const updated = await call('PATCH', '/admin/clients/{client_id}', `/admin/clients/${id}`, logout)
    assert.deepEqual(json(updated).post_logout_redirect_uris, ['https://reports.example/bye'])
    const unsafe = await call('PATCH', '/admin/clients/{client_id}', `/admin/clients/${id}`, {
      backchannel_logout_uri: 'http://reports.example/logout',
    })
    assert.equal(unsafe.status, 400, 'checked as registration checks it')

    const rotated = await call('POST', '/admin/clients/{client_id}/secret', `/admin/clients/${id}/secret`)
    const newSecret = json(rotated).client_secret as string
    assert.notEqual(newSecret, secret)
    assert.equal((await clientCredentials(server, registered, 'read')).status, 401, 'the old secret stops')
    tokensOf(await clientCredentials(server, { ...registered, secret: newSecret }, 'read'))

    assert.equal((await call('DELETE', '/admin/clients/{client_id}', `/admin/clients/${id}`)).status, 204)
    assert.equal((await call('GET', '/admin/clients/{client_id}', `/admin/clients/${id}`)).status, 404)
    assert.equal((await call('DELETE', '/admin/clients/{client_id}', `/admin/clients/${id}`)).status, 404)
  })

  test('clients: a registration is checked as the CLI checks it, unknown members refused', async () => {
    const unsafe = await call('POST', '/admin/clients', '/admin/clients', {
      client_name: 'Web app',
      redirect_uris: ['http://app.example/callback'],
    })
    assert.equal(unsafe.status, 400)
    assert.equal(json(unsafe).error, 'invalid_redirect_uri')
    const admin = await call('POST', '/admin/clients', '/admin/clients', {
      client_name: 'Sneaky',
      grant_types: ['client_credentials'],
      scope: 'admin:write',
    })
    assert.equal(json(admin).error, 'invalid_client_metadata', 'no ordinary client gets an admin scope')
    const misspelt = { client_name: 'Typo', grant_type: ['client_credentials'] }
    assert.equal(spec.acceptsRequest('POST', '/admin/clients', misspelt), false)
    const refused = await adminCall(server, token, 'POST', '/admin/clients', misspelt)
    spec.assertAnswer('POST', '/admin/clients', refused)
    assert.equal(json(refused).error, 'invalid_request')
    assert.match(json(refused).error_description as string, /grant_type/)
  })

  test('users: create, list, get, set the password, sessions, delete', async () => {
    const created = await call('POST', '/admin/users', '/admin/users', {
      username: 'alice',
      password: 'correct horse battery',
    })
    assert.equal(created.status, 201)
    const id = json(created).id as string
    const taken = await call('POST', '/admin/users', '/admin/users', {
      username: 'alice',
      password: 'another one!',
    })
    assert.equal(taken.status, 409)
    const weak = await call('POST', '/admin/users', '/admin/users', { username: 'bob', password: 'x' })
    assert.equal(weak.status, 400)

    const listed = await call('GET', '/admin/users', '/admin/users')
    assert.deepEqual(
      (json(listed).users as { username: string }[]).map((user) => user.username),
      ['alice'],
    )
    assert.equal(json(await call('GET', '/admin/users/{user_id}', `/admin/users/${id}`)).username, 'alice')

    // Alice signs in to an application: a session at Keyward and a grant.
    const app = await server.client({})
    const browser = newBrowser(server.issuer)
    await grantTokens(server, app, { username: 'alice', password: 'correct horse battery' }, 'read', browser)
    const sessions = await call('GET', '/admin/users/{user_id}/sessions', `/admin/users/${id}/sessions`)
    assert.equal((json(sessions).sessions as unknown[]).length, 1)
    const ended = await call('DELETE', '/admin/users/{user_id}/sessions', `/admin/users/${id}/sessions`)
    assert.deepEqual(json(ended), { sessions_ended: 1, grants_revoked: 0 })
    const none = await call('GET', '/admin/users/{user_id}/sessions', `/admin/users/${id}/sessions`)
    assert.deepEqual(json(none).sessions, [])

    const changed = await call('PUT', '/admin/users/{user_id}/password', `/admin/users/${id}/password`, {
      password: 'a new horse battery',
    })
    assert.deepEqual(json(changed), { sessions_ended: 0, grants_revoked: 1 })
    const missing = await call('PUT', '/admin/users/{user_id}/password', '/admin/users/nobody/password', {
      password: 'a new horse battery',
    })
    assert.equal(missing.status, 404)

    assert.equal((await call('DELETE', '/admin/users/{user_id}', `/admin/users/${id}`)).status, 204)
    assert.equal((await call('GET', '/admin/users/{user_id}', `/admin/users/${id}`)).status, 404)
  })

  test('resources: create, list, get (identifier percent-encoded), delete', async () => {
    const identifier = 'https://api.example/orders'
    const path = `/admin/resources/${encodeURIComponent(identifier)}`
    const created = await call('POST', '/admin/resources', '/admin/resources', {
      resource: identifier,
      resource_name: 'Orders API',
      scopes_supported: ['read'],
    })
    assert.equal(created.status, 201)
    const listed = await call('GET', '/admin/resources', '/admin/resources')
    assert.deepEqual(
      (json(listed).resources as { resource: string }[]).map((resource) => resource.resource),
      [identifier],
    )
    assert.equal(json(await call('GET', '/admin/resources/{resource}', path)).resource_name, 'Orders API')
    const again = await call('POST', '/admin/resources', '/admin/resources', {
      resource: identifier,
      resource_name: 'Orders API',
    })
    assert.equal(json(again).error, 'invalid_request')
    const deleted = await call('DELETE', '/admin/resources/{resource}', path)
    assert.deepEqual(json(deleted), { resource: identifier, removed_from_default_resources_of: [] })
    assert.equal((await call('GET', '/admin/resources/{resource}', path)).status, 404)
  })

  test('grants: list by user and client, revoke', async () => {
    const user = await server.user()
    const app = await server.client({ name: 'Photo app' })
    const other = await server.client({ name: 'Music app' })
    const tokens = await grantTokens(server, app, user, 'read')
    await grantTokens(server, other, user, 'read')

    const all = await call('GET', '/admin/grants', `/admin/grants?user_id=${user.id}`)
    assert.equal((json(all).grants as unknown[]).length, 2)
    const filtered = await call(
      'GET',
      '/admin/grants',
      `/admin/grants?user_id=${user.id}&client=${app.client.id}`,
    )
    const [grant] = json(filtered).grants as { id: string; client_id: string; revoked_at: string | null }[]
    assert.equal(grant?.client_id, app.client.id)
    assert.equal((json(filtered).grants as unknown[]).length, 1)
    const byName = await call('GET', '/admin/grants', `/admin/grants?user_id=${user.id}&client=Music%20app`)
    assert.deepEqual(
      (json(byName).grants as { client_name: string }[]).map((row) => row.client_name),
      ['Music app'],
    )
    assert.equal((await call('GET', '/admin/grants', '/admin/grants')).status, 400, 'user_id is required')
    assert.equal((await call('GET', '/admin/grants', '/admin/grants?user_id=nobody')).status, 404)

    const revokePath = `/admin/grants/${grant!.id}/revoke`
    const revoked = await call('POST', '/admin/grants/{grant_id}/revoke', revokePath, {
      forget_consent: true,
    })
    assert.deepEqual(json(revoked), { grant_id: grant!.id, revoked: true })
    assertOAuthError(await refresh(server, app, tokens.refreshToken), 400, 'invalid_grant')
    const twice = await call('POST', '/admin/grants/{grant_id}/revoke', revokePath)
    assert.deepEqual(json(twice), { grant_id: grant!.id, revoked: false })
  })

  test('keys: list, rotate', async () => {
    const before = json(await call('GET', '/admin/keys', '/admin/keys')).keys as {
      kid: string
      status: string
    }[]
    const signing = before.find((key) => key.status === 'signing')
    assert.ok(signing)
    const rotated = await call('POST', '/admin/keys/rotate', '/admin/keys/rotate')
    assert.equal(rotated.status, 201)
    const kid = json(rotated).kid as string
    assert.notEqual(kid, signing.kid)
    const after = json(await call('GET', '/admin/keys', '/admin/keys')).keys as {
      kid: string
      status: string
    }[]
    assert.equal(after.find((key) => key.kid === kid)?.status, 'signing')
    assert.equal(after.find((key) => key.kid === signing.kid)?.status, 'retired')
    // This server signs with the new key at once.
    const fresh = await tokenOf(server, admin)
    const header = JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()) as { kid: string }
    assert.equal(header.kid, kid)
  })

  test('every call is a security event naming the client and the operation', async () => {
    const before = eventsNamed(server.logs, 'admin_api_call').length
    await call('GET', '/admin/keys', '/admin/keys')
    const events = eventsNamed(server.logs, 'admin_api_call').slice(before)
    assert.equal(events.length, 1)
    assert.equal(events[0]?.clientId, admin.client.id)
    assert.equal(events[0]?.operation, 'listKeys')
  })
})
