import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { startCallbackSite } from '../support/callback-site.ts'
import { newPkce, type Pkce } from '../support/flow.ts'
import { redeemCode } from '../support/oauth-client.ts'
import { startTestServer } from '../support/server.ts'
import { assertAccessible, assertFitsPhone, PHONE } from './page-checks.ts'

// OpenID Connect RP-Initiated Logout 1.0 in Chromium. The client's site is on another site than Keyward
// (localhost against 127.0.0.1), so the browser applies SameSite=Lax as it would between two domains: a
// cross-site POST to the end_session_endpoint comes without Keyward's session cookie.

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots')

const browser = await launchChromium()
after(() => browser.close())
const keyward = await startTestServer()
after(() => keyward.close())
const site = await startCallbackSite('<!doctype html><html lang="en"><title>App</title><h1>App</h1></html>')
const callback = site.callback.replace('127.0.0.1', 'localhost')
const signedOutUri = `${callback}?after=logout`
const { client } = await keyward.client({
  name: 'Logout App',
  type: 'public',
  redirectUris: [callback],
  scopes: ['openid'],
  defaultScopes: ['openid'],
  postLogoutRedirectUris: [signedOutUri],
})

/** Signs in through the client in this browser, and returns the code the client's site received. */
async function signIn(page: Page, user: { username: string; password: string }, pkce: Pkce): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: callback,
    scope: 'openid',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  })
  await page.goto(`${keyward.issuer}/authorize?${query}`)
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Allow' }).click()
  await page.getByRole('heading', { level: 1, name: 'App' }).waitFor()
  const code = new URL(page.url()).searchParams.get('code')
  assert.ok(code, `a code at the client: ${page.url()}`)
  return code
}

/** Whether Keyward still knows this browser: prompt=none answers with a code, or with login_required. */
async function stillSignedIn(page: Page): Promise<boolean> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: callback,
    prompt: 'none',
    code_challenge: newPkce().challenge,
    code_challenge_method: 'S256',
  })
  await page.goto(`${keyward.issuer}/authorize?${query}`)
  await page.getByRole('heading', { level: 1, name: 'App' }).waitFor()
  const answer = new URL(page.url()).searchParams
  return answer.get('error') !== 'login_required' && answer.get('code') !== null
}

describe('signing out of Keyward from an application, in Chromium', () => {
  test('a cross-site POST from the client asks the person; "Sign out" ends the session and goes back', async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    const user = await keyward.user()
    await inNewContext(
      browser,
      async ({ page }) => {
        await signIn(page, user, newPkce())
        // The client's "Sign out" button: a form on its own site posting to the end_session_endpoint.
        await page.evaluate(
          ({ action, fields }) => {
            const form = document.createElement('form')
            form.method = 'post'
            form.action = action
            for (const [name, value] of Object.entries(fields)) {
              const input = document.createElement('input')
              input.type = 'hidden'
              input.name = name
              input.value = value
              form.append(input)
            }
            document.body.append(form)
            form.submit()
          },
          {
            action: `${keyward.issuer}/logout`,
            fields: { client_id: client.id, post_logout_redirect_uri: signedOutUri, state: 'bye-1' },
          },
        )
        await page.getByRole('heading', { level: 1, name: 'Sign out of Keyward?' }).waitFor()
        await page.getByText(user.username).waitFor()
        await assertAccessible(page)
        await page.screenshot({ path: join(SCREENSHOTS, 'logout-confirm-phone.png'), fullPage: true })
        await assertFitsPhone(page, page.getByRole('button', { name: 'Sign out' }))
        await assertFitsPhone(page, page.getByRole('button', { name: 'Stay signed in' }))
        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.getByRole('heading', { level: 1, name: 'App' }).waitFor()
        assert.equal(page.url(), `${signedOutUri}&state=bye-1`)
        assert.equal(await stillSignedIn(page), false, 'the Keyward session ended')
      },
      { viewport: PHONE },
    )
  })

  test('"Stay signed in" returns to the client and keeps the session', async () => {
    const user = await keyward.user()
    await inNewContext(browser, async ({ page }) => {
      await signIn(page, user, newPkce())
      const query = new URLSearchParams({ client_id: client.id, post_logout_redirect_uri: signedOutUri })
      await page.goto(`${keyward.issuer}/logout?${query}`)
      await page.getByRole('button', { name: 'Stay signed in' }).click()
      await page.getByRole('heading', { level: 1, name: 'App' }).waitFor()
      assert.equal(page.url(), signedOutUri)
      assert.equal(await stillSignedIn(page), true)
    })
  })

  test('with the ID token of this session as hint, the person is signed out without a question', async () => {
    const user = await keyward.user()
    const pkce = newPkce()
    await inNewContext(browser, async ({ page }) => {
      const code = await signIn(page, user, pkce)
      const tokens = await redeemCode(keyward, { client, secret: null, code, verifier: pkce.verifier })
      const idToken = String(tokens.json.id_token)
      // A link on the client's site: a cross-site top-level GET, which carries the SameSite=Lax cookie.
      const query = new URLSearchParams({ id_token_hint: idToken })
      await page.evaluate((href) => {
        window.location.href = href
      }, `${keyward.issuer}/logout?${query}`)
      await page.getByRole('heading', { level: 1, name: 'You are signed out' }).waitFor()
      await assertAccessible(page)
      assert.equal(await stillSignedIn(page), false)
    })
  })
})
