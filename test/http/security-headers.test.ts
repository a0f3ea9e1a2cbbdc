import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { codeRequest, newBrowser, newPkce, type Page, submit } from '../support/flow.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

/** architecture §5: strict CSP without inline script, no framing, no referrer. */
function assertSecurityHeaders(page: Pick<Page, 'headers'>, what: string): void {
  const csp = page.headers.get('content-security-policy') ?? ''
  const directives = new Map(
    csp.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/)
      return [name, values] as const
    }),
  )
  assert.deepEqual(directives.get('default-src'), ["'none'"], `${what}: default-src 'none'`)
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${what}: frame-ancestors 'none'`)
  assert.ok(!directives.has('script-src'), `${what}: no script allowed at all`)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${what}: ${csp}`)
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer', what)
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff', what)
  assert.equal(page.headers.get('x-frame-options'), 'DENY', what)
}

test('every page and every answer carries the security headers', async () => {
  const { client } = await server.client({ name: 'Web' })
  const user = await server.user()
  const browser = newBrowser(server.issuer)
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.issuer}${path}`, { headers, redirect: 'manual' })

  const loginPage = await browser.get(`/authorize?${codeRequest(client, newPkce(), { state: 's' })}`)
  const failedLogin = await submit(browser, loginPage, {
    username: user.username,
    password: 'wrong-password',
  })
  const consentPage = await submit(browser, failedLogin, { username: user.username, password: user.password })
  const redirect = await submit(browser, consentPage, { decision: 'approve' })
  const pages: [string, Pick<Page, 'headers'>][] = [
    ['login page', loginPage],
    ['failed login', failedLogin],
    ['consent page', consentPage],
    ['redirect to the client', redirect],
    ['authorization error page', await browser.get('/authorize?client_id=nobody')],
    ['csrf refusal', await browser.post('/login', { username: 'x' })],
    ['token error', await get('/token')],
    ['token error (POST)', await browser.post('/token', { grant_type: 'authorization_code' })],
    ['metadata', await get('/.well-known/oauth-authorization-server')],
    ['jwks', await get('/jwks.json')],
    ['stylesheet', await get('/assets/keyward.css')],
    ['not found page', await get('/nowhere', { accept: 'text/html' })],
    ['not found json', await get('/nowhere')],
    ['malformed url', await get('/%zz')],
  ]
  assert.equal(redirect.status, 303)
  for (const [what, page] of pages) assertSecurityHeaders(page, what)
})
