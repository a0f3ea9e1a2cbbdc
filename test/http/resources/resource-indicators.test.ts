import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { createResource } from '../../../src/core/admin/resources.ts'
import type { ResourceRegistration } from '../../../src/core/resources/registration.ts'
import {
  decideOnPages,
  deviceClient,
  poll,
  postDeviceAuthorization,
  startDevice,
} from '../../support/device-flow.ts'
import { assertOneEvent, eventsNamed, securityEvents } from '../../support/events.ts'
import { resourceServer } from '../../support/fixtures.ts'
import { codeOf, codeRequest, followAuthorization, formOn, newBrowser, newPkce } from '../../support/flow.ts'
import {
  assertOAuthError,
  authentication,
  introspect,
  type RegisteredClient,
  type TokenReply,
  tokensOf,
} from '../../support/oauth-client.ts'
import { startTestServer } from '../../support/server.ts'

const ORDERS = 'https://orders.example/api'
const INVOICES = 'https://invoices.example/api'
const REPORTS = 'urn:example:reports'
const UNREGISTERED = 'https://nobody.example/api'

const server = await startTestServer({
  scopes: [
    { name: 'openid', description: 'Sign you in' },
    { name: 'profile', description: 'See your profile' },
    { name: 'orders:read', description: 'See your orders' },
    { name: 'invoices:read', description: 'See your invoices' },
    { name: 'reports:read', description: 'Read reports' },
    { name: 'read', description: 'Read your data' },
    { name: 'write', description: 'Change your data' },
  ],
})
after(() => server.close())

const register = (registration: ResourceRegistration) =>
  createResource(registration, { ...server.core, events: { emit: () => {} } })
await register({ identifier: ORDERS, name: 'Orders API', scopes: ['orders:read'] })
await register({
  identifier: INVOICES,
  name: 'Invoices API',
  scopes: ['invoices:read'],
  accessTokenFormat: 'jwt',
})
await register({
  identifier: REPORTS,
  name: 'Reports',
  scopes: ['reports:read'],
  accessTokenFormat: 'opaque',
  accessTokenLifetime: 120,
})
const introspector = await resourceServer(server)

/** A token request with `resource` sent once per value, as RFC 8707 §2 has it. */
async function tokenWith(
  registered: RegisteredClient,
  form: Readonly<Record<string, string>>,
  resources: readonly string[],
): Promise<TokenReply> {
  const auth = authentication(registered)
  const body = new URLSearchParams({ ...form, ...auth.form })
  for (const resource of resources) body.append('resource', resource)
  const response = await fetch(`${server.issuer}/token`, { method: 'POST', headers: auth.headers, body })
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  }
}

const audienceOf = (reply: TokenReply) => decodeJwt(tokensOf(reply).accessToken).aud

describe('RFC 8707 resource indicators: client credentials', async () => {
  const service = await server.client({
    name: 'Billing job',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scopes: ['orders:read', 'invoices:read', 'reports:read', 'profile'],
    defaultScopes: ['profile'],
  })
  const cc = (resources: readonly string[], scope?: string) =>
    tokenWith(
      service,
      { grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) },
      resources,
    )

  test('without a resource the token is for the server-wide audience, as before', async () => {
    assert.equal(audienceOf(await cc([])), server.issuer)
  })

  test('the aud is the resource named, or every resource named when the parameter repeats', async () => {
    assert.equal(audienceOf(await cc([ORDERS], 'orders:read')), ORDERS)
    const both = await cc([ORDERS, INVOICES], 'orders:read invoices:read')
    assert.deepEqual(audienceOf(both), [ORDERS, INVOICES])
    assert.equal(tokensOf(both).scope, 'orders:read invoices:read')
  })

  test('an unknown resource, a relative URI or one with a fragment is invalid_target', async () => {
    for (const resource of [UNREGISTERED, '/api/orders', `${ORDERS}#part`, 'orders']) {
      const reply = await cc([resource])
      assertOAuthError(reply, 400, 'invalid_target')
      assert.equal(reply.headers.get('cache-control'), 'no-store')
    }
    assertOAuthError(await cc([ORDERS, UNREGISTERED]), 400, 'invalid_target')
  })

  test("a scope another resource defines is refused; the server's own scopes go with any resource", async () => {
    const reply = await cc([ORDERS], 'invoices:read')
    assertOAuthError(reply, 400, 'invalid_scope')
    assert.match(String(reply.json.error_description), /invoices:read belongs to a resource/)
    assert.equal(tokensOf(await cc([ORDERS], 'orders:read profile')).scope, 'orders:read profile')
  })

  test("the resource's own format and lifetime apply, and introspection reports its audience", async () => {
    const reply = await cc([REPORTS], 'reports:read')
    const tokens = tokensOf(reply)
    assert.match(tokens.accessToken, /^kw_at_/, 'opaque, as the resource asks, though the client says jwt')
    assert.equal(tokens.expiresIn, 120)
    const answer = await introspect(server, introspector, tokens.accessToken)
    assert.equal(answer.active, true)
    assert.deepEqual(answer.aud, [REPORTS])
    // A JWT for a resource reports its audience too.
    const jwt = tokensOf(await cc([ORDERS, INVOICES], 'orders:read'))
    assert.deepEqual((await introspect(server, introspector, jwt.accessToken)).aud, [ORDERS, INVOICES])
  })

  test('resources asking for different token formats cannot share one token', async () => {
    assertOAuthError(await cc([INVOICES, REPORTS]), 400, 'invalid_target')
    // A resource that leaves the format to the client takes the other's.
    assert.match(tokensOf(await cc([ORDERS, REPORTS])).accessToken, /^kw_at_/)
  })

  test("a client's default resources are the audience when the request names none", async () => {
    const defaulted = await server.client({
      name: 'Orders job',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: ['orders:read'],
      defaultScopes: ['orders:read'],
      defaultResources: [ORDERS],
    })
    const reply = await tokenWith(defaulted, { grant_type: 'client_credentials' }, [])
    assert.equal(audienceOf(reply), ORDERS)
    const named = await tokenWith(defaulted, { grant_type: 'client_credentials', scope: 'orders:read' }, [
      INVOICES,
    ])
    assertOAuthError(named, 400, 'invalid_scope')
  })
})

describe('RFC 8707 resource indicators: the code flow and refresh', async () => {
  const app = await server.client({
    name: 'Shop app',
    scopes: ['openid', 'orders:read', 'invoices:read', 'reports:read'],
    defaultScopes: ['openid'],
  })
  const person = await server.user()

  /** The person signs in and authorizes `resources` in a browser of their own; the code and its verifier. */
  async function authorized(resources: readonly string[], scope: string, user = person) {
    const pkce = newPkce()
    const query = codeRequest(app.client, pkce, { scope })
    for (const resource of resources) query.append('resource', resource)
    const browser = newBrowser(server.issuer)
    const location = await followAuthorization(browser, `${server.issuer}/authorize?${query}`, { user })
    return { code: codeOf(location), verifier: pkce.verifier, browser }
  }
  const redeem = (code: string, verifier: string, resources: readonly string[]) =>
    tokenWith(
      app,
      {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: app.client.redirectUris[0] ?? '',
      },
      resources,
    )
  const refresh = (refreshToken: string, resources: readonly string[], scope?: string) =>
    tokenWith(
      app,
      { grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope === undefined ? {} : { scope }) },
      resources,
    )

  test('the code redeems for a token for every resource authorized, or for fewer', async () => {
    const whole = await authorized([ORDERS, INVOICES], 'orders:read invoices:read')
    const tokens = tokensOf(await redeem(whole.code, whole.verifier, []))
    assert.deepEqual(decodeJwt(tokens.accessToken).aud, [ORDERS, INVOICES])

    const narrowed = await authorized([ORDERS, INVOICES], 'orders:read invoices:read')
    const orders = tokensOf(await redeem(narrowed.code, narrowed.verifier, [ORDERS]))
    assert.equal(decodeJwt(orders.accessToken).aud, ORDERS)
    assert.equal(orders.scope, 'orders:read', "the other resource's scope is not on this token")
  })

  test('a refresh narrows the resources, and the grant keeps all of them for the next one', async () => {
    const { code, verifier } = await authorized([ORDERS, INVOICES], 'orders:read invoices:read')
    const first = tokensOf(await redeem(code, verifier, []))
    assert.ok(first.refreshToken)
    const invoices = tokensOf(await refresh(first.refreshToken, [INVOICES]))
    assert.equal(decodeJwt(invoices.accessToken).aud, INVOICES)
    assert.equal(invoices.scope, 'invoices:read')
    assert.ok(invoices.refreshToken)
    const again = tokensOf(await refresh(invoices.refreshToken, []))
    assert.deepEqual(decodeJwt(again.accessToken).aud, [ORDERS, INVOICES])
    assert.equal(again.scope, 'orders:read invoices:read')
  })

  test('a refresh or a redemption cannot widen the resources: invalid_target, and the token still works', async () => {
    const { code, verifier } = await authorized([ORDERS], 'orders:read')
    assertOAuthError(await redeem(code, verifier, [INVOICES]), 400, 'invalid_target')

    const second = await authorized([ORDERS], 'orders:read')
    const tokens = tokensOf(await redeem(second.code, second.verifier, []))
    assert.ok(tokens.refreshToken)
    assertOAuthError(await refresh(tokens.refreshToken, [INVOICES]), 400, 'invalid_target')
    assertOAuthError(await refresh(tokens.refreshToken, [ORDERS, INVOICES]), 400, 'invalid_target')
    assertOAuthError(await refresh(tokens.refreshToken, [UNREGISTERED]), 400, 'invalid_target')
    // Refused before rotation: the refresh token was not used up.
    assert.equal(audienceOf(await refresh(tokens.refreshToken, [ORDERS])), ORDERS)
  })

  test('a grant for the server-wide audience cannot be refreshed into a resource', async () => {
    const { code, verifier } = await authorized([], 'openid')
    const tokens = tokensOf(await redeem(code, verifier, []))
    assert.equal(decodeJwt(tokens.accessToken).aud, server.issuer)
    assert.ok(tokens.refreshToken)
    assertOAuthError(await refresh(tokens.refreshToken, [ORDERS]), 400, 'invalid_target')
  })

  test('the consent page names the resources; consent for one does not cover another', async () => {
    // Someone new: consent is remembered per person and client.
    const someone = await server.user()
    const logged = server.logs.length
    const { browser } = await authorized([ORDERS, REPORTS], 'openid', someone)
    assertOneEvent(securityEvents(server.logs.slice(logged)), {
      event: 'consent_granted',
      clientId: app.client.id,
      userId: someone.id,
      address: '127.0.0.1',
      scope: 'openid',
      resource: `${ORDERS} ${REPORTS}`,
    })
    const query = (resource: string) => {
      const params = codeRequest(app.client, newPkce(), { scope: 'openid' })
      params.append('resource', resource)
      return `/authorize?${params}`
    }
    // The same resources again: remembered, straight back to the client.
    const remembered = await browser.get(query(ORDERS))
    assert.equal(remembered.status, 302)
    // Another resource with the same scope: the person is asked, and sees its name.
    const asked = await browser.get(query(INVOICES))
    assert.equal(asked.status, 200, asked.location ?? '')
    assert.equal(formOn(asked.body)?.action, '/consent')
    assert.match(asked.body, /Invoices API/)
    assert.match(asked.body, /https:\/\/invoices\.example\/api/)
    assert.doesNotMatch(asked.body, /Orders API/)
  })

  test('an unknown resource goes back to the client as invalid_target, with state and iss', async () => {
    const params = codeRequest(app.client, newPkce(), { scope: 'openid', state: 'st' })
    params.append('resource', UNREGISTERED)
    const reply = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual' })
    assert.equal(reply.status, 302)
    const location = new URL(reply.headers.get('location') ?? '')
    assert.equal(location.searchParams.get('error'), 'invalid_target')
    assert.equal(location.searchParams.get('state'), 'st')
    assert.equal(location.searchParams.get('iss'), server.issuer)
  })
})

describe('RFC 8707 resource indicators: the legacy password grant', async () => {
  const legacy = await server.client({
    name: 'Old app',
    grantTypes: ['password'],
    allowLegacy: ['password'],
    redirectUris: [],
    scopes: ['orders:read'],
    defaultScopes: ['orders:read'],
  })
  const person = await server.user()
  const password = (resources: readonly string[]) =>
    tokenWith(
      legacy,
      { grant_type: 'password', username: person.username, password: person.password },
      resources,
    )

  test('the token is for the resource named; an unknown one is invalid_target before the password is checked', async () => {
    assert.equal(audienceOf(await password([ORDERS])), ORDERS)
    const logged = server.logs.length
    assertOAuthError(await password([UNREGISTERED]), 400, 'invalid_target')
    assert.deepEqual(eventsNamed(server.logs.slice(logged), 'sign_in_succeeded'), [])
  })
})

describe('RFC 8707 resource indicators: the device flow', async () => {
  const device = await deviceClient(server, {
    scopes: ['orders:read', 'invoices:read'],
    defaultScopes: ['orders:read'],
  })
  const person = await server.user()

  test('the device authorization request names the resource; the token is for it', async () => {
    const { deviceCode, userCode, interval } = await startDevice(server, device, {
      resource: ORDERS,
      scope: 'orders:read',
    })
    const done = await decideOnPages(server, userCode, person, 'approve')
    assert.match(done.body, /You can return to your device/)
    server.clock.advance(interval)
    assert.equal(audienceOf(await poll(server, device, deviceCode)), ORDERS)
  })

  test('an unknown resource is invalid_target at the device authorization endpoint', async () => {
    assertOAuthError(
      await postDeviceAuthorization(server, device, { resource: UNREGISTERED }),
      400,
      'invalid_target',
    )
  })

  test('the poll may narrow, never widen', async () => {
    const { deviceCode, userCode, interval } = await startDevice(server, device, {
      resource: ORDERS,
      scope: 'orders:read',
    })
    await decideOnPages(server, userCode, person, 'approve')
    server.clock.advance(interval)
    assertOAuthError(
      await tokenWith(
        device,
        { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode },
        [INVOICES],
      ),
      400,
      'invalid_target',
    )
    server.clock.advance(interval)
    const reply = await tokenWith(
      device,
      { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode },
      [ORDERS],
    )
    assert.equal(audienceOf(reply), ORDERS)
  })
})
