import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startWebApp, type WebApp } from '../../examples/web-app/app.ts'
import { changeUserClaims } from '../../src/core/admin/users.ts'
import type { Client } from '../../src/core/model/client.ts'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { freePort } from '../support/ports.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { assertAccessible, assertFitsPhone, PHONE } from './page-checks.ts'

const CLIENT_NAME = 'Photo Album'
const SCOPE = 'profile read'
const SCREENSHOTS = '/tmp/keyward-e2e'

interface IssuedTokens {
  readonly accessToken: string
  readonly refreshToken: string
}

describe('the example web app signs a person in through Keyward, in Chromium', () => {
  let browser: Browser
  let keyward: TestServer
  let webApp: WebApp
  let client: Client
  // What the token endpoint handed the web app (which runs in this process), to prove the browser never saw it.
  const issued: IssuedTokens[] = []
  const realFetch = globalThis.fetch

  before(async () => {
    browser = await launchChromium()
    keyward = await startTestServer()
    const port = await freePort()
    const registered = await keyward.client({
      name: CLIENT_NAME,
      redirectUris: [`http://127.0.0.1:${port}/callback`],
    })
    client = registered.client
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init)
      const url = input instanceof Request ? input.url : String(input)
      if (url === `${keyward.issuer}/token` && response.ok) {
        const body = (await response.clone().json()) as { access_token: string; refresh_token: string }
        issued.push({ accessToken: body.access_token, refreshToken: body.refresh_token })
      }
      return response
    }
    webApp = await startWebApp({
      issuer: keyward.issuer,
      clientId: client.id,
      clientSecret: registered.secret ?? '',
      port,
      scope: SCOPE,
    })
  })

  after(async () => {
    globalThis.fetch = realFetch
    await webApp?.close()
    await keyward?.close()
    await browser?.close()
  })

  async function startSignIn(page: Page): Promise<void> {
    await page.goto(webApp.url)
    await page.getByRole('button', { name: 'Sign in with Keyward' }).click()
  }

  /** Waits until the browser shows the Keyward page at `path`, and checks it is accessible. */
  async function onKeywardPage(page: Page, path: string): Promise<void> {
    await page.waitForURL((url) => url.origin === keyward.issuer && url.pathname === path)
    await assertAccessible(page)
  }

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await onKeywardPage(page, '/authorize')
    const heading = await page.getByRole('heading', { level: 1 }).textContent()
    assert.match(heading ?? '', new RegExp(CLIENT_NAME), 'the login page names the client')
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  async function onConsentPage(page: Page): Promise<void> {
    await onKeywardPage(page, '/login')
    await page.getByRole('heading', { level: 1, name: `${CLIENT_NAME} wants to:` }).waitFor()
    for (const description of ['See your username', 'Read your data']) {
      assert.ok(await page.getByText(description).isVisible(), `the consent page describes: ${description}`)
    }
  }

  /** The access token's payload as the web app shows it once signed in. */
  async function shownClaims(page: Page): Promise<Record<string, unknown>> {
    await page.waitForURL(`${webApp.url}/`)
    await page.getByRole('heading', { level: 1, name: 'Signed in' }).waitFor()
    const payload = await page.locator('h3:text-is("Payload") + pre').textContent()
    return JSON.parse(payload ?? '') as Record<string, unknown>
  }

  async function assertSignedInAs(page: Page, userId: string): Promise<void> {
    const claims = await shownClaims(page)
    assert.equal(claims.sub, userId)
    assert.equal(claims.client_id, client.id)
    assert.equal(claims.scope, SCOPE)
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in with Keyward' }).waitFor()
  }

  /** Every URL this context requested, redirects included: the navigation history and then some. */
  function recordUrls(context: BrowserContext): string[] {
    const urls: string[] = []
    context.on('request', (request) => urls.push(request.url()))
    return urls
  }

  /** How many localStorage and sessionStorage entries the origin of `url` holds in this tab. */
  async function storageEntries(page: Page, url: string): Promise<number> {
    await page.goto(url)
    return page.evaluate(() => localStorage.length + sessionStorage.length)
  }

  test('sign in, consent, and the token claims; no token ever reaches the browser', async () => {
    const user = await keyward.user()
    await inNewContext(browser, async ({ context, page }) => {
      const urls = recordUrls(context)
      const before = issued.length
      await startSignIn(page)
      await logIn(page, user.username, user.password)
      await onConsentPage(page)
      await page.getByRole('button', { name: 'Allow' }).click()
      await assertSignedInAs(page, user.id)

      assert.equal(issued.length, before + 1, 'the web app received one token response')
      const tokens = issued.at(-1) as IssuedTokens
      assert.ok(tokens.accessToken && tokens.refreshToken, 'an access and a refresh token were issued')
      const secrets = [tokens.accessToken, tokens.refreshToken]
      const html = await page.content()
      const cookies = await context.cookies()
      for (const secret of secrets) {
        assert.ok(!html.includes(secret), 'the page does not contain the token')
        assert.deepEqual(
          urls.filter((url) => url.includes(secret)),
          [],
          'no URL the browser requested carries the token',
        )
        assert.deepEqual(
          cookies.filter((cookie) => cookie.value.includes(secret)),
          [],
          'no cookie holds the token',
        )
      }
      // Keyward's metadata document: a page on its origin that needs no interaction to reach.
      for (const url of [`${webApp.url}/`, `${keyward.issuer}/.well-known/oauth-authorization-server`]) {
        assert.equal(await storageEntries(page, url), 0, `no web storage on ${new URL(url).origin}`)
      }
    })
  })

  test('a second sign-in skips the remembered consent; revoking it brings the consent page back', async () => {
    const user = await keyward.user()
    await inNewContext(browser, async ({ page }) => {
      await startSignIn(page)
      await logIn(page, user.username, user.password)
      await onConsentPage(page)
      await page.getByRole('button', { name: 'Allow' }).click()
      await assertSignedInAs(page, user.id)
      await signOut(page)

      // Still signed in at Keyward, and this scope was approved: straight back to the app.
      await startSignIn(page)
      await assertSignedInAs(page, user.id)
      await signOut(page)

      assert.equal(await keyward.core.stores.consents.delete(user.id, client.id), true)
      await startSignIn(page)
      await onKeywardPage(page, '/authorize')
      await page.getByRole('heading', { level: 1, name: `${CLIENT_NAME} wants to:` }).waitFor()
      await page.getByRole('button', { name: 'Allow' }).click()
      await assertSignedInAs(page, user.id)
    })
  })

  test('a wrong password shows the generic error with focus in the password field; Deny reaches the app', async () => {
    const user = await keyward.user()
    await inNewContext(browser, async ({ page }) => {
      await startSignIn(page)
      await logIn(page, user.username, 'not the password')
      await onKeywardPage(page, '/login')
      const alert = page.getByRole('alert')
      assert.match((await alert.textContent()) ?? '', /^The username or password is incorrect\./)
      await page.waitForFunction(() => document.activeElement?.id === 'password')
      assert.equal(await page.getByLabel('Username').inputValue(), user.username, 'the username is kept')

      await page.getByLabel('Password').fill(user.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await onConsentPage(page)
      await page.getByRole('button', { name: 'Deny' }).click()
      await page.waitForURL((url) => url.href.startsWith(`${webApp.url}/callback`))
      await page.getByText('You denied access.').waitFor()
    })
  })

  test('login and consent are usable at a phone size', async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', PHONE],
    ] as const) {
      const user = await keyward.user()
      await inNewContext(
        browser,
        async ({ page }) => {
          await startSignIn(page)
          await onKeywardPage(page, '/authorize')
          await page.screenshot({ path: join(SCREENSHOTS, `login-${size}.png`), fullPage: true })
          if (size === 'phone') await assertFitsPhone(page, page.getByRole('button', { name: 'Sign in' }))
          await logIn(page, user.username, user.password)
          await onConsentPage(page)
          await page.screenshot({ path: join(SCREENSHOTS, `consent-${size}.png`), fullPage: true })
          if (size === 'phone') {
            await assertFitsPhone(page, page.getByRole('button', { name: 'Allow' }))
            await assertFitsPhone(page, page.getByRole('button', { name: 'Deny' }))
          }
        },
        { viewport },
      )
    }
  })
})

describe('the example web app with openid shows who signed in and signs out of Keyward too, in Chromium', () => {
  let browser: Browser
  let keyward: TestServer
  let webApp: WebApp

  before(async () => {
    browser = await launchChromium()
    keyward = await startTestServer()
    const port = await freePort()
    const appUrl = `http://127.0.0.1:${port}`
    const registered = await keyward.client({
      name: CLIENT_NAME,
      redirectUris: [`${appUrl}/callback`],
      scopes: ['openid', 'profile', 'email', 'read'],
      postLogoutRedirectUris: [`${appUrl}/`],
    })
    webApp = await startWebApp({
      issuer: keyward.issuer,
      clientId: registered.client.id,
      clientSecret: registered.secret ?? '',
      port,
      scope: 'openid profile email read',
    })
    assert.equal(webApp.postLogoutRedirectUri, `${appUrl}/`)
  })

  after(async () => {
    await webApp?.close()
    await keyward?.close()
    await browser?.close()
  })

  test('the name comes from OpenID Connect; after Sign out the next sign-in asks for the password', async () => {
    const user = await keyward.user()
    await changeUserClaims(user.id, { name: 'Ada Lovelace', email: 'ada@example.com' }, keyward.core)
    await inNewContext(browser, async ({ page }) => {
      const signInWithPassword = async () => {
        await page.goto(webApp.url)
        await page.getByRole('button', { name: 'Sign in with Keyward' }).click()
        await page.waitForURL((url) => url.origin === keyward.issuer && url.pathname === '/authorize')
        await page.getByLabel('Username').fill(user.username)
        await page.getByLabel('Password').fill(user.password)
        await page.getByRole('button', { name: 'Sign in' }).click()
      }
      await signInWithPassword()
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL(`${webApp.url}/`)
      assert.equal(await page.locator('.person-name').textContent(), 'Ada Lovelace')
      await page.getByText('(ada@example.com)').waitFor()

      await page.getByRole('button', { name: 'Sign out' }).click()
      // RP-Initiated Logout: through Keyward's end_session_endpoint and back to the app's registered home page.
      await page.waitForURL(`${webApp.url}/`)
      await page.getByRole('button', { name: 'Sign in with Keyward' }).waitFor()
      assert.deepEqual(
        (await page.context().cookies(keyward.issuer)).filter((cookie) => cookie.name === 'kw_session'),
        [],
        'the Keyward session cookie is gone',
      )

      // The Keyward session ended: signing in again asks for the password, and the name comes back.
      await signInWithPassword()
      await page.waitForURL(`${webApp.url}/`)
      assert.equal(await page.locator('.person-name').textContent(), 'Ada Lovelace')
    })
  })
})
