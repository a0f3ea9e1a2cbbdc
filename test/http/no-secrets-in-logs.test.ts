import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, test } from 'node:test'
import { startTestServer, type TestServer } from '../support/server.ts'
import { basicAuthorization, postJson, postToken, redeemCode } from '../support/oauth-client.ts'
import { codeOf, codeRequest, formOn, newBrowser, newPkce, submit } from '../support/flow.ts'

// The most verbose level: whatever any layer logs, it must not be a credential.
const server: TestServer = await startTestServer({ logLevel: 'trace' })
after(() => server.close())

test('architecture §5: no password, code, token, secret, session id or CSRF value is ever logged', async () => {
  const seen = new Map<string, string>()
  const remember = (name: string, value: string | null | undefined) => {
    assert.ok(value, `${name} was observed`)
    seen.set(name, value)
  }

  const password = `pw-${randomBytes(12).toString('base64url')}`
  const user = await server.user(`logged-${randomBytes(4).toString('hex')}`, password)
  const web = await server.client({ name: 'Web' })
  remember('password', password)
  remember('client secret', web.secret)

  // The whole flow: login (a failure first), consent, token.
  const browser = newBrowser(server.issuer)
  const pkce = newPkce()
  remember('code verifier', pkce.verifier)
  const loginPage = await browser.get(
    `/authorize?${codeRequest(web.client, pkce, { state: 'st', scope: 'read' })}`,
  )
  const wrongPassword = `wrong-${randomBytes(12).toString('base64url')}`
  remember('wrong password', wrongPassword)
  const failed = await submit(browser, loginPage, { username: user.username, password: wrongPassword })
  assert.equal(failed.status, 401)
  const consentPage = await submit(browser, failed, { username: user.username, password })
  remember('csrf token', formOn(consentPage.body)?.fields.csrf_token)
  remember('csrf cookie', browser.cookies.get('kw_csrf'))
  remember('session cookie', browser.cookies.get('kw_session'))
  const redirect = await submit(browser, consentPage, { decision: 'approve' })
  const code = codeOf(new URL(redirect.location ?? ''))
  remember('code', code)
  const tokens = await redeemCode(server, { ...web, code, verifier: pkce.verifier })
  assert.equal(tokens.status, 200)
  remember('access token', String(tokens.json.access_token))
  remember('refresh token', String(tokens.json.refresh_token))

  // Failures that carry credentials: code reuse, a wrong client secret, a forged CSRF token, guessed codes.
  assert.equal((await redeemCode(server, { ...web, code, verifier: pkce.verifier })).status, 400)
  const wrongSecret = `secret-${randomBytes(16).toString('base64url')}`
  remember('wrong client secret', wrongSecret)
  await postToken(
    server,
    { grant_type: 'authorization_code', code },
    { authorization: basicAuthorization(web.client.id, wrongSecret) },
  )
  await postToken(server, {
    grant_type: 'authorization_code',
    code,
    client_id: web.client.id,
    client_secret: wrongSecret,
  })
  const guessedCode = randomBytes(32).toString('base64url')
  remember('guessed code', guessedCode)
  await redeemCode(server, { ...web, code: guessedCode, verifier: pkce.verifier })
  const forgedCsrf = randomBytes(32).toString('base64url')
  remember('forged csrf token', forgedCsrf)
  await browser.post('/login', { csrf_token: forgedCsrf, username: user.username, password })
  // A second, already signed-in authorization sends the session cookie again and gets a code straight away.
  const secondCode = codeOf(
    new URL(
      (await browser.get(`/authorize?${codeRequest(web.client, pkce, { scope: 'read' })}`)).location ?? '',
    ),
  )
  remember('second code', secondCode)
  // A pushed request (RFC 9126): its request_uri stands for the request until it is used.
  const pushed = await postJson(
    server,
    '/par',
    Object.fromEntries(codeRequest(web.client, pkce, { scope: 'read' })),
    {
      authorization: basicAuthorization(web.client.id, web.secret ?? ''),
    },
  )
  const requestUri = String(pushed.json.request_uri)
  remember('request_uri', requestUri)
  const pushedCode = codeOf(
    new URL(
      (
        await browser.get(
          `/authorize?${new URLSearchParams({ client_id: web.client.id, request_uri: requestUri })}`,
        )
      ).location ?? '',
    ),
  )
  remember('code of a pushed request', pushedCode)

  // The account page: a wrong current password, then a password change.
  const account = await browser.get('/account')
  const passwordForm = (body: string) =>
    formOn(body.slice(body.indexOf('<form method="post" action="/account/password">')))
  const newPassword = `new-${randomBytes(12).toString('base64url')}`
  remember('new password', newPassword)
  const change = (current: string, page: typeof account) =>
    browser.post('/account/password', {
      ...passwordForm(page.body)?.fields,
      current_password: current,
      new_password: newPassword,
      confirm_password: newPassword,
    })
  const wrongCurrent = `wrong-current-${randomBytes(12).toString('base64url')}`
  remember('wrong current password', wrongCurrent)
  const refusedChange = await change(wrongCurrent, account)
  assert.equal(refusedChange.status, 400)
  assert.equal((await change(password, refusedChange)).status, 200)

  const logged = server.logs.join('\n')
  assert.ok(server.logs.length > 20, 'the server did log the requests')
  assert.ok(logged.includes('/token') && logged.includes('/authorize'), 'request paths are logged')
  for (const [name, value] of seen) {
    assert.ok(!logged.includes(value), `the ${name} appears in the logs`)
    assert.ok(!logged.includes(encodeURIComponent(value)), `the ${name} appears URL-encoded in the logs`)
  }
  assert.ok(!logged.includes(user.passwordHash), 'the password hash appears in the logs')
})
