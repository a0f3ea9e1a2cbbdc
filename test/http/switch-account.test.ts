import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { JWT_BEARER_ASSERTION } from '../../src/core/client-auth/credentials.ts'
import { codeOf, codeRequest, formOn, newBrowser, newPkce, type Page, submit } from '../support/flow.ts'
import { postJson, type RegisteredClient } from '../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// The consent page's "Not you?" link leads to signing in as someone else and back to the same consent, whatever
// form the authorization request came in: its parameters, a pushed request (RFC 9126 request_uri), or a signed
// request object (RFC 9101 `request`, whose jti is used once at /authorize).

let server: TestServer
let signer: RegisteredClient
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'client-key', alg: 'ES256', use: 'sig' }] }

before(async () => {
  server = await startTestServer()
  signer = await server.client({ name: 'Signer', tokenEndpointAuthMethod: 'private_key_jwt', jwks })
})
after(() => server.close())

const seconds = () => Math.floor(Date.now() / 1000)
const STATE = 'switch-state'

/** The parameters of a code request from the signer, with this state. */
const codeParams = () =>
  Object.fromEntries(codeRequest(signer.client, newPkce(), { state: STATE, scope: 'profile' }))

/** A request object with the code request's parameters, and a jti. */
const requestObject = () =>
  new SignJWT({
    ...codeParams(),
    iss: signer.client.id,
    aud: server.issuer,
    exp: seconds() + 60,
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'client-key', typ: 'oauth-authz-req+jwt' })
    .sign(privateKey)

/** RFC 7523 client authentication with the signer's key, for /par. */
const assertion = async () => ({
  client_id: signer.client.id,
  client_assertion_type: JWT_BEARER_ASSERTION,
  client_assertion: await new SignJWT({
    iss: signer.client.id,
    sub: signer.client.id,
    aud: server.issuer,
    exp: seconds() + 60,
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'client-key' })
    .sign(privateKey),
})

/** How each kind of request starts at /authorize. */
const starts: Record<string, () => Promise<Record<string, string>>> = {
  'in parameters': async () => codeParams(),
  'pushed (PAR)': async () => {
    const reply = await postJson(server, '/par', { ...codeParams(), ...(await assertion()) })
    assert.equal(reply.status, 201, JSON.stringify(reply.json))
    return { client_id: signer.client.id, request_uri: String(reply.json.request_uri) }
  },
  'as a request object (JAR)': async () => ({ client_id: signer.client.id, request: await requestObject() }),
  'as a pushed request object (PAR + JAR)': async () => {
    const form = { request: await requestObject(), ...(await assertion()) }
    const reply = await postJson(server, '/par', form)
    assert.equal(reply.status, 201, JSON.stringify(reply.json))
    return { client_id: signer.client.id, request_uri: String(reply.json.request_uri) }
  },
}

const notYouLink = (page: Page): string => {
  const href = /<a href="([^"]*)">Not you\? Use another account<\/a>/.exec(page.body)?.[1]
  assert.ok(href, 'the consent page offers another account')
  return href.replaceAll('&amp;', '&')
}

describe('"Not you?" on the consent page', () => {
  for (const [kind, start] of Object.entries(starts)) {
    test(`a request ${kind}: signs in as someone else, then the same consent`, async () => {
      const first = await server.user()
      const second = await server.user()
      const browser = newBrowser(server.issuer)
      const login = await browser.get(`/authorize?${new URLSearchParams(await start())}`)
      const consent = await submit(browser, login, { username: first.username, password: first.password })
      assert.match(consent.body, new RegExp(`Signed in as <strong>${first.username}</strong>`))

      const again = await browser.get(notYouLink(consent))
      assert.equal(again.status, 200, again.location ?? again.body.slice(0, 300))
      assert.equal(formOn(again.body)?.action, '/login', 'the signed-in browser is asked to sign in')
      const switched = await submit(browser, again, { username: second.username, password: second.password })
      assert.match(switched.body, new RegExp(`Signed in as <strong>${second.username}</strong>`))
      assert.equal(formOn(switched.body)?.action, '/consent')

      const done = await submit(browser, switched, { decision: 'approve' })
      const location = new URL(done.location ?? 'about:blank')
      assert.equal(location.searchParams.get('state'), STATE, 'the same request')
      codeOf(location)
      assert.ok(
        await server.core.stores.consents.get(second.id, signer.client.id),
        'the other person consented',
      )
      assert.equal(await server.core.stores.consents.get(first.id, signer.client.id), null)
    })
  }
})

// GET /login reads the request as the forms after /authorize do: a pushed request up to 10 minutes past its
// expiry, a request object past its exp and without using its jti again. Only a page this server showed this
// browser may lead there, as only such a page may post a form.
describe('GET /login from anywhere but the consent page', () => {
  test('a request object whose jti was used at /authorize cannot start again from a crafted link', async () => {
    const signed = { client_id: signer.client.id, request: await requestObject() }
    const used = await newBrowser(server.issuer).get(`/authorize?${new URLSearchParams(signed)}`)
    assert.equal(used.status, 200, 'the request object arrived once, its jti used')

    const victim = newBrowser(server.issuer)
    const crafted = await victim.get(`/login?${new URLSearchParams(signed)}`)
    assert.equal(crafted.status, 400)
    assert.equal(formOn(crafted.body)?.action, undefined, 'no sign-in form for a replayed request object')
  })

  test("another browser's link is refused too", async () => {
    const person = await server.user()
    const owner = newBrowser(server.issuer)
    const login = await owner.get(`/authorize?${new URLSearchParams(codeParams())}`)
    const consent = await submit(owner, login, { username: person.username, password: person.password })
    const link = notYouLink(consent)
    assert.equal((await owner.get(link)).status, 200, 'the link works in the browser it was shown to')
    const other = await newBrowser(server.issuer).get(link)
    assert.equal(other.status, 400)
    assert.equal(formOn(other.body)?.action, undefined)
  })
})
