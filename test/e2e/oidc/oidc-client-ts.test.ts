import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { inNewContext, launchChromium } from '../../support/browser.ts'
import { freePort } from '../../support/ports.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// oidc-client-ts 3 in Chromium, on its documented path: a UserManager told only the authority (Keyward's issuer),
// the client id, the redirect URI and the scope; discovery, PKCE, the token request and UserInfo are its own,
// cross-origin from the app's site (CORS).

// The package exports no path to its browser bundle, so it is read from where npm installs it.
const bundle = readFileSync(
  new URL('../../../node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js', import.meta.url),
)
const site = (name: string) => readFileSync(new URL(`./oidc-client-ts-site/${name}`, import.meta.url))

let keyward: TestServer
let browser: Browser
before(async () => {
  keyward = await startTestServer()
  browser = await launchChromium()
})
after(async () => {
  await browser.close()
  await keyward.close()
})

/** The relying party's static site, serving its settings; closed after the file's tests. */
async function startSite(port: number, settings: Record<string, unknown>): Promise<string> {
  const files: Record<string, [string, Buffer]> = {
    '/': ['text/html', site('index.html')],
    '/app.js': ['text/javascript', site('app.js')],
    '/oidc-client-ts.min.js': ['text/javascript', bundle],
    '/settings.json': ['application/json', Buffer.from(JSON.stringify(settings))],
  }
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://x').pathname]
    if (file === undefined) return void response.writeHead(404).end()
    response.writeHead(200, { 'content-type': file[0] }).end(file[1])
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${port}`
}

describe('oidc-client-ts in Chromium signs a person in with Keyward', () => {
  test('signinRedirect → callback: the profile has the pairwise sub, claims from the ES256 ID token and UserInfo', async () => {
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const registered = await keyward.client({
      name: 'oidc-client-ts app',
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      redirectUris: [`${origin}/`],
      scopes: ['openid', 'profile', 'email'],
      subjectType: 'pairwise',
      idTokenSignedResponseAlg: 'ES256',
    })
    const user = await keyward.user()
    await keyward.core.stores.users.setClaims(user.id, { name: 'Ada Lovelace', email: 'ada@example.org' })
    const url = await startSite(port, {
      authority: keyward.issuer,
      client_id: registered.client.id,
      scope: 'openid profile email',
      // oidc-client-ts fetches UserInfo by default and checks that its sub is the ID token's.
      loadUserInfo: true,
      extraQueryParams: { claims: JSON.stringify({ id_token: { email: null } }) },
    })
    assert.equal(url, origin)
    const profile = await inNewContext(browser, async ({ page }) => {
      await page.goto(url)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL((at) => at.origin === keyward.issuer)
      await page.getByLabel('Username').fill(user.username)
      await page.getByLabel('Password').fill(user.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL((at) => at.origin === origin)
      await page.locator('#profile').filter({ hasText: /\S/ }).waitFor()
      return JSON.parse((await page.locator('#profile').textContent()) ?? '{}') as Record<string, unknown>
    })
    assert.equal(profile.error, undefined, String(profile.error))
    assert.ok(typeof profile.sub === 'string' && profile.sub !== user.id, 'a pairwise sub')
    assert.equal(profile.email, 'ada@example.org')
    assert.equal(profile.name, 'Ada Lovelace')
    assert.equal(profile.iss, keyward.issuer)
  })
})
