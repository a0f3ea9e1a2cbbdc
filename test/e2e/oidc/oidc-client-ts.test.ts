import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { inNewContext, launchChromium } from '../../support/browser.ts'
import { freePort } from '../../support/ports.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// oidc-client-ts, the browser library, in Chromium: a UserManager told the authority, the client id, the
// redirect URIs and the scope, nothing else. Its profile is the ID token's claims (loadUserInfo is off by default),
// which Keyward fills from the granted scopes. Its calls to discovery and the token endpoint are cross-origin
// fetches, so they also prove Keyward's CORS answers.

// The package exports no path to its browser bundle; it sits beside the UMD build its main entry names.
const BUNDLE = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('oidc-client-ts')), '../browser/oidc-client-ts.min.js'),
  'utf8',
)

/** One page of the app: the bundle, a UserManager, its buttons, and `script`. */
function appPage(settings: object, script: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>App</title>
<script src="/oidc-client-ts.min.js"></script></head><body><h1>App</h1>
<button id="signin">Sign in</button><button id="renew">Renew</button><button id="signout">Sign out</button>
<pre id="out"></pre>
<script>
const manager = new oidc.UserManager(${JSON.stringify(settings)})
const show = (value) => { document.getElementById('out').textContent = JSON.stringify(value) }
${script}
</script></body></html>`
}

/** The app's own site, serving its pages and the library's bundle from node_modules. */
async function startApp(port: number, byPath: Readonly<Record<string, string>>): Promise<void> {
  const origin = `http://127.0.0.1:${port}`
  const site = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname
    if (path === '/oidc-client-ts.min.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(BUNDLE)
    } else if (byPath[path] !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(byPath[path])
    } else {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve))
  after(() => new Promise((resolve) => site.close(resolve)))
}

let server: TestServer
let chromium: Browser
before(async () => {
  server = await startTestServer()
  chromium = await launchChromium()
})
after(async () => {
  await chromium.close()
  await server.close()
})

describe('oidc-client-ts signs a person in to a browser app with Keyward', () => {
  test('redirect sign-in with claims, silent renew by refresh token, RP-initiated logout', async () => {
    const user = await server.user()
    await server.core.stores.users.setClaims(user.id, { name: 'Mary Jackson', email: 'mary@example.org' })
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const registered = await server.client({
      name: 'oidc-client-ts app',
      type: 'public',
      redirectUris: [`${origin}/callback`],
      postLogoutRedirectUris: [`${origin}/signed-out`],
      scopes: ['openid', 'profile', 'email'],
      defaultScopes: ['openid'],
    })
    const settings = {
      authority: server.issuer,
      client_id: registered.client.id,
      redirect_uri: `${origin}/callback`,
      post_logout_redirect_uri: `${origin}/signed-out`,
      scope: 'openid profile email',
    }
    await startApp(port, {
      '/': appPage(settings, `document.getElementById('signin').onclick = () => manager.signinRedirect()`),
      '/callback': appPage(
        settings,
        `manager.signinRedirectCallback().then((user) => show({ profile: user.profile,
           refresh: Boolean(user.refresh_token), access: user.access_token }), (e) => show({ error: String(e) }))
         document.getElementById('renew').onclick = () => manager.signinSilent().then((user) =>
           show({ profile: user.profile, access: user.access_token }), (e) => show({ error: String(e) }))
         document.getElementById('signout').onclick = () => manager.signoutRedirect()`,
      ),
      '/signed-out': appPage(
        settings,
        `manager.signoutRedirectCallback().then(() => show({ signedOut: true }), (e) => show({ error: String(e) }))`,
      ),
    })

    await inNewContext(chromium, async ({ page }) => {
      const out = async (): Promise<Record<string, unknown>> => {
        await page.locator('#out').filter({ hasText: /./ }).waitFor()
        const text = (await page.locator('#out').textContent()) ?? ''
        await page.evaluate(() => {
          const pre = document.getElementById('out')
          if (pre) pre.textContent = ''
        })
        return JSON.parse(text) as Record<string, unknown>
      }
      const calls: string[] = []
      const recordCall = (request: { url(): string }) => calls.push(new URL(request.url()).pathname)
      page.context().on('request', recordCall)
      await page.goto(`${origin}/`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByLabel('Username').fill(user.username)
      await page.getByLabel('Password').fill(user.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL(`${origin}/callback**`)
      const signedIn = await out()
      assert.equal(signedIn.error, undefined)
      const profile = signedIn.profile as Record<string, unknown>
      assert.equal(profile.sub, user.id)
      assert.equal(profile.name, 'Mary Jackson')
      assert.equal(profile.email, 'mary@example.org')
      assert.equal(signedIn.refresh, true)
      assert.ok(!calls.includes('/userinfo'), `the claims came in the ID token: ${calls.join(' ')}`)

      // With a refresh token, signinSilent refreshes over fetch instead of opening an iframe to /authorize.
      calls.length = 0
      await page.getByRole('button', { name: 'Renew' }).click()
      const renewed = await out()
      page.context().off('request', recordCall)
      assert.ok(calls.includes('/token'), calls.join(' '))
      assert.ok(!calls.includes('/authorize'), calls.join(' '))
      assert.equal(renewed.error, undefined)
      assert.equal((renewed.profile as Record<string, unknown>).name, 'Mary Jackson')
      assert.notEqual(renewed.access, signedIn.access)

      // RP-initiated logout: Keyward's end_session_endpoint, then back to the app.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(`${origin}/signed-out**`)
      assert.deepEqual(await out(), { signedOut: true })
    })
  })
})
