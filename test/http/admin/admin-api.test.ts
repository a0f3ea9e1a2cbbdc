import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { adminCall, adminClient, servedDocument, tokenOf } from '../../support/admin-api.ts'
import { eventsNamed } from '../../support/events.ts'
import { grantTokens, newBrowser } from '../../support/flow.ts'
import {
  assertOAuthError,
  basicAuthorization,
  clientCredentials,
  postToken,
  type RegisteredClient,
  refresh,
  tokensOf,
} from '../../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { changeClaims } from '../../../src/core/oidc/person-claims.ts'
import { SIGN_IN_PAIR_POLICY } from '../../../src/core/sign-in.ts'
import { codeTokens, openIdClient } from '../oidc/oidc-flow.ts'

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
    const byName = await call('GET', '/admin/users', '/admin/users?username=alice')
    assert.deepEqual(
      (json(byName).users as { id: string }[]).map((user) => user.id),
      [id],
      'found by username, as the CLI names people',
    )
    assert.deepEqual(json(await call('GET', '/admin/users', '/admin/users?username=nobody')).users, [])

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

  test('users: OpenID Connect claims set at creation, read, merge-patched, released by UserInfo', async () => {
    const created = await call('POST', '/admin/users', '/admin/users', {
      username: 'ada',
      password: 'correct horse battery',
      claims: {
        name: 'Ada Lovelace',
        given_name: 'Ada',
        email: 'ada@example.org',
        email_verified: true,
        address: { locality: 'London', country: 'GB' },
      },
    })
    assert.equal(created.status, 201)
    const id = json(created).id as string
    const claims = json(created).claims as Record<string, unknown>
    assert.equal(claims.name, 'Ada Lovelace')
    assert.equal(claims.email_verified, true)
    assert.deepEqual(claims.address, { locality: 'London', country: 'GB' })
    assert.equal(claims.updated_at, Math.floor(server.clock.now().getTime() / 1000))
    const shown = await call('GET', '/admin/users/{user_id}', `/admin/users/${id}`)
    assert.deepEqual(json(shown).claims, claims)
    assert.equal(eventsNamed(server.logs, 'user_created').at(-1)?.userId, id)

    server.clock.advance(60)
    const updatedEvents = eventsNamed(server.logs, 'user_updated').length
    const patch = {
      claims: {
        given_name: null,
        email: 'ada@example.com',
        phone_number: '+44 20 7946 0000',
        address: { locality: null, region: 'Greater London' },
      },
    }
    const patched = await call('PATCH', '/admin/users/{user_id}', `/admin/users/${id}`, patch)
    assert.equal(patched.status, 200)
    const after = json(patched).claims as Record<string, unknown>
    assert.equal(after.given_name, undefined, 'null removes a claim')
    assert.equal(after.name, 'Ada Lovelace', 'a claim left out stays')
    assert.equal(after.email, 'ada@example.com')
    assert.deepEqual(after.address, { country: 'GB', region: 'Greater London' }, 'the address merges by part')
    assert.equal(after.updated_at, (claims.updated_at as number) + 60)
    assert.deepEqual(eventsNamed(server.logs, 'user_updated').slice(updatedEvents), [
      eventsNamed(server.logs, 'user_updated').at(-1),
    ])
    assert.equal(eventsNamed(server.logs, 'user_updated').at(-1)?.userId, id)
    const same = await call('PATCH', '/admin/users/{user_id}', `/admin/users/${id}`, patch)
    assert.deepEqual(json(same).claims, after, 'the same patch again changes nothing, updated_at included')
    assert.equal(eventsNamed(server.logs, 'user_updated').length, updatedEvents + 1, 'and is no user_updated')

    const noAddress = await call('PATCH', '/admin/users/{user_id}', `/admin/users/${id}`, {
      claims: { address: null },
    })
    assert.equal((json(noAddress).claims as Record<string, unknown>).address, undefined)

    // What the API stored is what OpenID Connect releases, by scope (Core §5.4).
    const app = await openIdClient(server)
    const user = { username: 'ada', password: 'correct horse battery' }
    const tokens = await codeTokens(server, app, { params: { scope: 'openid email' }, user })
    const userinfo = await fetch(`${server.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${String(tokens.json.access_token)}` },
    })
    const released = (await userinfo.json()) as Record<string, unknown>
    assert.equal(released.email, 'ada@example.com')
    assert.equal(released.name, undefined, 'the profile scope was not granted')
  })

  test('users: claims are checked by the rules `keyward users update` applies, with the same words', async () => {
    const created = await call('POST', '/admin/users', '/admin/users', {
      username: 'claire',
      password: 'correct horse battery',
    })
    const id = json(created).id as string
    assert.deepEqual(json(created).claims, {})
    const path = `/admin/users/${id}`

    // In the order of Core §5.1, as the CLI lists its options: the problems are told in that order.
    const bad = { website: 'ftp://claire.example', locale: 'en US', email: 'not-an-address' }
    const refused = await call('PATCH', '/admin/users/{user_id}', path, { claims: bad })
    assert.equal(refused.status, 400)
    assert.equal(json(refused).error, 'invalid_request')
    const cliWords = (() => {
      try {
        changeClaims({}, bad, server.clock.now())
      } catch (error) {
        return (error as Error).message
      }
    })()
    assert.equal(json(refused).error_description, cliWords)
    const refusedAtCreation = await call('POST', '/admin/users', '/admin/users', {
      username: 'dora',
      password: 'correct horse battery',
      claims: bad,
    })
    assert.equal(json(refusedAtCreation).error_description, cliWords)
    assert.equal(await server.core.stores.users.getByUsername('dora'), null, 'nobody was created')
    assert.deepEqual((await server.core.stores.users.get(id))?.claims, {}, 'nothing changed')

    // The shapes the document refuses, the server refuses too: unknown claims, the one Keyward keeps, wrong types.
    for (const claims of [
      { nickname: 'C', favourite_colour: 'blue' },
      { updated_at: 0 },
      { email_verified: 'true' },
      { name: '' },
      { address: { city: 'Paris' } },
    ]) {
      assert.equal(spec.acceptsRequest('PATCH', '/admin/users/{user_id}', { claims }), false)
      const reply = await adminCall(server, token, 'PATCH', path, { claims })
      spec.assertAnswer('PATCH', '/admin/users/{user_id}', reply)
      assert.equal(reply.status, 400, JSON.stringify(claims))
    }
    const missing = await call('PATCH', '/admin/users/{user_id}', '/admin/users/nobody', {
      claims: { name: 'Nobody' },
    })
    assert.equal(missing.status, 404)
  })

  test("users: a PATCH body of RFC 7396's own media type, application/merge-patch+json, is read", async () => {
    const created = await call('POST', '/admin/users', '/admin/users', {
      username: 'grace',
      password: 'correct horse battery',
    })
    const path = `/admin/users/${String(json(created).id)}`
    const response = await fetch(`${server.issuer}${path}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ claims: { name: 'Grace Hopper' } }),
    })
    const body = (await response.json()) as Record<string, unknown>
    assert.equal(response.status, 200, JSON.stringify(body))
    assert.equal((body.claims as Record<string, unknown>).name, 'Grace Hopper')
    const document = (await adminCall(server, null, 'GET', '/admin/openapi.json')).json as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>
    }
    for (const template of ['/admin/users/{user_id}', '/admin/clients/{client_id}']) {
      const content = document.paths[template]?.patch?.requestBody?.content ?? {}
      assert.ok('application/merge-patch+json' in content, `${template} says it takes a merge patch`)
    }
  })

  test('users: unlock ends the waits failed sign-ins put on the username', async () => {
    const user = await server.user()
    const legacy = await server.client({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
    const signIn = (password: string) =>
      postToken(
        server,
        { grant_type: 'password', username: user.username, password },
        { authorization: basicAuthorization(legacy.client.id, legacy.secret ?? '') },
      )
    for (let guess = 0; guess < SIGN_IN_PAIR_POLICY.limit; guess++) await signIn(`guess ${guess}`)
    assert.equal((await signIn(user.password)).status, 429)

    const unlocked = await call('POST', '/admin/users/{user_id}/unlock', `/admin/users/${user.id}/unlock`)
    assert.equal(unlocked.status, 204)
    assert.equal(eventsNamed(server.logs, 'user_unlocked').at(-1)?.userId, user.id)
    assert.equal((await signIn(user.password)).status, 200)
    const missing = await call('POST', '/admin/users/{user_id}/unlock', '/admin/users/nobody/unlock')
    assert.equal(missing.status, 404)
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
