import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { codeRequest, formOn, newBrowser, newPkce, submit } from '../support/flow.ts'
import { redeemCode } from '../support/oauth-client.ts'
import { startTestServer } from '../support/server.ts'

// OAuth 2.0 Form Post Response Mode: the response travels in a form the browser posts to the redirect URI.

const server = await startTestServer()
after(() => server.close())
const user = await server.user()
const registered = await server.client({ name: 'Form post app' })
const redirectUri = registered.client.redirectUris[0] ?? ''

test('the code, state and iss come back in a form posted to the redirect URI, by its one script', async () => {
  const browser = newBrowser(server.issuer)
  const pkce = newPkce()
  const query = codeRequest(registered.client, pkce, { response_mode: 'form_post', state: 'a&b "c"' })
  const login = await browser.get(`/authorize?${query}`)
  assert.doesNotMatch(
    login.headers.get('content-security-policy') ?? '',
    /script-src/,
    'no other page runs script',
  )
  const consent = await submit(browser, login, { username: user.username, password: user.password })
  const posted = await submit(browser, consent, { decision: 'approve' })

  assert.equal(posted.status, 200)
  assert.equal(posted.location, null, 'no redirect: nothing of the response is in a URL')
  assert.equal(posted.headers.get('cache-control'), 'no-store')
  assert.match(posted.headers.get('content-security-policy') ?? '', /script-src 'self'/)
  const form = formOn(posted.body)
  assert.equal(form?.action, redirectUri)
  assert.deepEqual(Object.keys(form?.fields ?? {}).sort(), ['code', 'iss', 'state'])
  assert.equal(form?.fields.state, 'a&b "c"')
  assert.equal(form?.fields.iss, server.issuer)
  assert.match(posted.body, /<script src="\/assets\/form-post\.js"><\/script>/)
  const script = await browser.get('/assets/form-post.js')
  assert.equal(script.status, 200)
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/)

  const tokens = await redeemCode(server, {
    ...registered,
    code: form?.fields.code ?? '',
    verifier: pkce.verifier,
  })
  assert.equal(tokens.status, 200, JSON.stringify(tokens.json))
})

test('an error goes back the same way: prompt=none without a session posts login_required', async () => {
  const query = codeRequest(registered.client, newPkce(), {
    response_mode: 'form_post',
    prompt: 'none',
    state: 's',
  })
  const page = await newBrowser(server.issuer).get(`/authorize?${query}`)
  assert.equal(page.status, 200)
  const form = formOn(page.body)
  assert.equal(form?.action, redirectUri)
  assert.equal(form?.fields.error, 'login_required')
  assert.equal(form?.fields.state, 's')
})

test('discovery lists form_post; another mode is refused with invalid_request', async () => {
  const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as {
    response_modes_supported: string[]
  }
  assert.deepEqual(metadata.response_modes_supported, ['query', 'form_post'])
  const query = codeRequest(registered.client, newPkce(), { response_mode: 'fragment', state: 's' })
  const refused = await newBrowser(server.issuer).get(`/authorize?${query}`)
  const location = new URL(refused.location ?? '')
  assert.equal(location.searchParams.get('error'), 'invalid_request')
})
