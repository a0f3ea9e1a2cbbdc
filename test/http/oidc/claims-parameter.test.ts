import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { authorizeCode, newBrowser } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient } from './oidc-flow.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const CLAIMS = { name: 'Ada Lovelace', email: 'ada@example.org', phone_number: '+44 20 7946 0000' }

async function personWithClaims() {
  const user = await server.user()
  await server.core.stores.users.setClaims(user.id, CLAIMS)
  return user
}

describe('the claims request parameter (OpenID Connect Core §5.5)', () => {
  test('claims asked for the ID token are in it, as far as the granted scopes release them', async () => {
    const registered = await openIdClient(server)
    const user = await personWithClaims()
    const claims = JSON.stringify({
      id_token: { name: null, email: { essential: true }, phone_number: { essential: true } },
      userinfo: { phone_number: null },
    })
    const reply = await codeTokens(server, registered, {
      params: { scope: 'openid profile email', claims },
      user,
    })
    const idToken = decodeJwt(String(reply.json.id_token))
    assert.equal(idToken.name, 'Ada Lovelace')
    assert.equal(idToken.email, 'ada@example.org')
    // The phone scope was not granted: the person did not consent to release the number.
    assert.equal(idToken.phone_number, undefined)
    const info = (await (
      await fetch(`${server.issuer}/userinfo`, {
        headers: { authorization: `Bearer ${String(reply.json.access_token)}` },
      })
    ).json()) as Record<string, unknown>
    assert.equal(info.phone_number, undefined, 'nor at UserInfo')
    assert.equal(info.email, 'ada@example.org')

    // By default the granted scopes' claims are in the ID token without the parameter too.
    const plain = await codeTokens(server, registered, { params: { scope: 'openid profile email' }, user })
    const plainToken = decodeJwt(String(plain.json.id_token))
    assert.equal(plainToken.name, 'Ada Lovelace')
    assert.equal(plainToken.email, 'ada@example.org')
    assert.equal(plainToken.phone_number, undefined, 'phone was not granted')
  })

  test('with ID tokens kept minimal, only the id_token member puts claims into them (Core §5.4, §5.5)', async () => {
    const minimal = await startTestServer({ openid: { idTokenClaims: 'minimal' } })
    try {
      const registered = await openIdClient(minimal)
      const user = await minimal.user()
      await minimal.core.stores.users.setClaims(user.id, CLAIMS)
      const scope = 'openid profile email phone'
      const plain = await codeTokens(minimal, registered, { params: { scope }, user })
      const plainToken = decodeJwt(String(plain.json.id_token))
      for (const name of ['name', 'email', 'phone_number', 'preferred_username']) {
        assert.equal(plainToken[name], undefined, `${name} is left to UserInfo`)
      }
      // The userinfo member targets UserInfo only; the id_token member, the ID token.
      const claims = JSON.stringify({ id_token: { email: null }, userinfo: { name: null } })
      const asked = await codeTokens(minimal, registered, { params: { scope, claims }, user })
      const askedToken = decodeJwt(String(asked.json.id_token))
      assert.equal(askedToken.email, 'ada@example.org')
      assert.equal(askedToken.name, undefined)
      const info = (await (
        await fetch(`${minimal.issuer}/userinfo`, {
          headers: { authorization: `Bearer ${String(asked.json.access_token)}` },
        })
      ).json()) as Record<string, unknown>
      assert.equal(info.name, 'Ada Lovelace')
      assert.equal(info.phone_number, '+44 20 7946 0000')
    } finally {
      await minimal.close()
    }
  })

  test('a malformed claims parameter is invalid_request, back at the client', async () => {
    const registered = await openIdClient(server)
    const location = await authorizeCode(server, {
      client: registered.client,
      params: { scope: 'openid', claims: '{"id_token": ["email"]}', state: 'xyz' },
    })
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.match(
      location.searchParams.get('error_description') ?? '',
      /claims\.id_token must be a JSON object/,
    )
    assert.equal(location.searchParams.get('state'), 'xyz')
  })

  test('a requested sub is answered only for that person (Core §5.5.1), pairwise included', async () => {
    const registered = await openIdClient(server, { subjectType: 'pairwise' })
    const user = await personWithClaims()
    const browser = newBrowser(server.issuer)
    const first = await codeTokens(server, registered, { params: { scope: 'openid' }, user, browser })
    const sub = String(decodeJwt(String(first.json.id_token)).sub)
    const same = await codeTokens(server, registered, {
      params: { scope: 'openid', claims: JSON.stringify({ id_token: { sub: { value: sub } } }) },
      browser,
    })
    assert.equal(decodeJwt(String(same.json.id_token)).sub, sub)

    const otherPerson = { id_token: { sub: { value: 'someone-else' } } }
    const refused = await authorizeCode(server, {
      client: registered.client,
      params: { scope: 'openid', claims: JSON.stringify(otherPerson) },
      browser,
    })
    assert.equal(refused.searchParams.get('error'), 'access_denied')
    const silent = await authorizeCode(server, {
      client: registered.client,
      params: { scope: 'openid', prompt: 'none', claims: JSON.stringify(otherPerson) },
      browser,
    })
    assert.equal(silent.searchParams.get('error'), 'login_required')
  })

  test('discovery says the parameter is supported', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as {
      claims_parameter_supported?: unknown
    }
    assert.equal(metadata.claims_parameter_supported, true)
  })
})
