import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { formOn, newBrowser, submit } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openAuthorization, openIdClient, type Registered } from './oidc-flow.ts'

// OpenID Connect Core §3.1.2.1 id_token_hint at the authorization endpoint: the person the client expects.

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const open = (
  registered: Registered,
  params: Record<string, string>,
  browser?: ReturnType<typeof newBrowser>,
) => openAuthorization(server, registered, params, browser)

const answer = (location: string | null) => new URL(location ?? 'about:blank').searchParams

/** A person signed in through `registered` in a browser of their own, and the ID token the client got. */
async function signedIn(registered: Registered) {
  const user = await server.user()
  const browser = newBrowser(server.issuer)
  const reply = await codeTokens(server, registered, { params: { scope: 'openid' }, user, browser })
  return { user, browser, idToken: String(reply.json.id_token) }
}

describe('id_token_hint on the authorization request (Core §3.1.2.1)', () => {
  test("the signed-in person's own hint: prompt=none answers with a code, even once the hint expired", async () => {
    const registered = await openIdClient(server)
    const { browser, idToken } = await signedIn(registered)
    assert.ok(
      answer((await open(registered, { prompt: 'none', id_token_hint: idToken }, browser)).location).get(
        'code',
      ),
    )
    server.clock.advance(
      Number(decodeJwt(idToken).exp) - Math.floor(server.clock.now().getTime() / 1000) + 60,
    )
    assert.ok(
      answer((await open(registered, { prompt: 'none', id_token_hint: idToken }, browser)).location).get(
        'code',
      ),
    )
  })

  test('a hint of someone else: login_required with prompt=none, else the sign-in page', async () => {
    const registered = await openIdClient(server)
    const someone = await signedIn(registered)
    const other = await signedIn(registered)
    const silent = await open(registered, { prompt: 'none', id_token_hint: other.idToken }, someone.browser)
    assert.equal(answer(silent.location).get('error'), 'login_required')
    const page = await open(registered, { id_token_hint: other.idToken }, someone.browser)
    assert.equal(page.status, 200)
    assert.equal(formOn(page.body)?.action, '/login')
    assert.equal(
      formOn(page.body)?.fields.id_token_hint,
      other.idToken,
      'the hint travels with the sign-in form',
    )
  })

  test('signing in as someone else than the hint names: login_required, never their code', async () => {
    const registered = await openIdClient(server)
    const hinted = await signedIn(registered)
    const someone = await signedIn(registered)
    const page = await open(registered, { id_token_hint: hinted.idToken }, someone.browser)
    assert.equal(formOn(page.body)?.action, '/login')
    // As after the consent page's "Not you?": the sign-in form of the hinted request, another person signs in.
    const done = await submit(someone.browser, page, {
      username: someone.user.username,
      password: someone.user.password,
    })
    assert.equal(
      answer(done.location).get('error'),
      'login_required',
      done.location ?? done.body.slice(0, 300),
    )
    assert.equal(answer(done.location).get('code'), null)
  })

  test('a tampered hint, an access token, or a hint for another client: invalid_request', async () => {
    const registered = await openIdClient(server)
    const another = await openIdClient(server)
    const { browser, idToken } = await signedIn(registered)
    const [header, , signature] = idToken.split('.')
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(idToken), sub: 'x' })).toString('base64url')
    const access = await codeTokens(server, registered, { params: { scope: 'openid' }, browser })
    const cases: [Registered, string][] = [
      [registered, `${header}.${forged}.${signature}`],
      [registered, String(access.json.access_token)],
      [another, idToken],
    ]
    for (const [client, hint] of cases) {
      const refused = answer((await open(client, { id_token_hint: hint }, browser)).location)
      assert.equal(refused.get('error'), 'invalid_request')
      assert.match(refused.get('error_description') ?? '', /id_token_hint/)
    }
  })
})
