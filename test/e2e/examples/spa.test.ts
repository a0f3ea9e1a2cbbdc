import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startSpa } from '../../../examples/spa/app.ts'
import { inNewContext, launchChromium } from '../../support/browser.ts'
import { freePort } from '../../support/ports.ts'
import { startKeywardAndApi } from './keyward-and-api.ts'
import { assertNoStorage, assertStrictPage, scriptsOf } from './static-pages.ts'
import { basicAuthorization, postToken } from '../../support/oauth-client.ts'
import { changeUserClaims } from '../../../src/core/admin/users.ts'

const { keyward, api } = await startKeywardAndApi()
const port = await freePort()
// As the demo registers it: the spa preset (public, no secret, refresh tokens rotated), its page as the
// post-logout redirect URI (RP-Initiated Logout 1.0 §3.1).
const { client } = await keyward.client({
  name: 'Demo SPA',
  type: 'public',
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: [`http://127.0.0.1:${port}/callback`],
  scopes: ['openid', 'profile', 'read', 'write'],
  postLogoutRedirectUris: [`http://127.0.0.1:${port}/`],
})
const user = await keyward.user()
await changeUserClaims(user.id, { name: 'Ada Lovelace' }, keyward.core)
const spa = await startSpa({ issuer: keyward.issuer, clientId: client.id, apiUrl: api.url, port })
after(() => spa.close())

describe('example SPA (public client, code + PKCE in the browser, tokens in memory)', () => {
  test('its pages allow script only from the SPA itself and fetches only to it and the issuer', async () => {
    for (const path of ['/', '/callback']) await assertStrictPage(`${spa.url}${path}`, [keyward.issuer])
    assert.equal(spa.redirectUri, client.redirectUris[0])
  })

  test('no script it loads uses browser storage or cookies', async () => {
    const scripts = new Map([...(await scriptsOf(spa.url, '/')), ...(await scriptsOf(spa.url, '/callback'))])
    assert.deepEqual([...scripts.keys()].sort(), ['/app.js', '/callback.js', '/oauth-browser.js'])
    assertNoStorage(scripts)
  })

  test('its configuration comes from /config.json, not inline script', async () => {
    const response = await fetch(`${spa.url}/config.json`)
    assert.deepEqual(await response.json(), {
      issuer: keyward.issuer,
      clientId: client.id,
      scope: 'openid profile read',
    })
  })

  test('/api/ passes the request and its token to the API, and the answer back', async () => {
    const service = await keyward.client({ grantTypes: ['client_credentials'], redirectUris: [] })
    const token = await postToken(
      keyward,
      { grant_type: 'client_credentials', scope: 'profile' },
      { authorization: basicAuthorization(service.client.id, service.secret ?? '') },
    )
    const accepted = await fetch(`${spa.url}/api/profile`, {
      headers: { authorization: `Bearer ${token.json.access_token}` },
    })
    assert.equal(accepted.status, 200)
    assert.equal(((await accepted.json()) as { client_id: string }).client_id, service.client.id)

    const refused = await fetch(`${spa.url}/api/profile`)
    assert.equal(refused.status, 401)
    assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer/)
    await refused.body?.cancel()
  })

  describe('in Chromium', () => {
    let browser: Browser

    before(async () => {
      browser = await launchChromium()
    })

    after(async () => {
      await browser?.close()
    })

    /**
     * In the SPA's page: signs in through the popup as `user` with their password, allowing the app unless the
     * person's consent is remembered.
     */
    async function signInThroughPopup(page: Page, consent: 'asked' | 'remembered'): Promise<void> {
      const signIn = page.getByRole('button', { name: 'Sign in with Keyward' })
      const [popup] = await Promise.all([page.waitForEvent('popup'), signIn.click()])
      await popup.getByLabel('Username').fill(user.username)
      await popup.getByLabel('Password').fill(user.password)
      const closed = popup.waitForEvent('close')
      await popup.getByRole('button', { name: 'Sign in' }).click()
      if (consent === 'asked') await popup.getByRole('button', { name: 'Allow' }).click()
      await closed
    }

    test('signs in through Keyward in a popup, shows the name and the API answer, refreshes and signs out of Keyward too', async () => {
      await inNewContext(browser, async ({ page }) => {
        await page.goto(spa.url)
        await signInThroughPopup(page, 'asked')
        await page.getByRole('heading', { name: 'Signed in' }).waitFor()
        // OpenID Connect: the name comes from UserInfo, for the person the ID token names.
        assert.equal(await page.locator('#person').textContent(), 'Ada Lovelace')
        const profile = page.locator('#api section', { hasText: 'GET /profile' })
        await profile.getByText('HTTP 200').waitFor()
        const answer = JSON.parse((await profile.locator('pre').textContent()) ?? '')
        assert.deepEqual(answer, {
          subject: user.id,
          client_id: client.id,
          scopes: ['openid', 'profile', 'read'],
        })

        await page.getByRole('button', { name: 'Refresh the tokens' }).click()
        await page.getByText(/a new refresh token replaced the old one/).waitFor()

        // RP-Initiated Logout: Keyward ends its session, no question asked (the ID token names this browser's
        // session), and sends the browser back to the SPA's page.
        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.waitForURL(`${spa.url}/`)
        await page.getByRole('button', { name: 'Sign in with Keyward' }).waitFor()
        assert.equal(
          await keyward.core.stores.sessions.listByUser(user.id).then((sessions) => sessions.length),
          0,
          'the Keyward session ended',
        )
        // Signing in again asks for the password: no session signs the person straight back in.
        await signInThroughPopup(page, 'remembered')
        await page.getByRole('heading', { name: 'Signed in' }).waitFor()
      })
      // RFC 7009 §2.1: revoking the refresh token revoked the first grant at Keyward, not only in the page.
      const grants = await keyward.core.stores.grants.listByUser(user.id)
      assert.equal(grants.length, 2)
      assert.equal(grants.filter((grant) => grant.revokedAt !== null).length, 1)
    })
  })
})
