import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import type { Page } from 'playwright-core'
import { IMPLICIT_MAX_LIFETIME } from '../../src/core/authorize/implicit.ts'
import type { Client } from '../../src/core/model/client.ts'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { startCallbackSite } from '../support/callback-site.ts'
import { startTestServer } from '../support/server.ts'

const CLIENT_NAME = 'Old Photo SPA'

// The client's page: a browser app reads its response from location.hash, which never reaches a server.
const CALLBACK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Callback</title></head>
<body><h1>Callback</h1><pre id="fragment"></pre><pre id="query"></pre>
<script>
document.getElementById('fragment').textContent = location.hash.slice(1)
document.getElementById('query').textContent = location.search.slice(1)
</script></body></html>`

/** What the callback page read from its URL: the fragment and the query, as parameters. */
async function landedWith(
  page: Page,
  callback: string,
): Promise<{ fragment: URLSearchParams; query: string }> {
  await page.waitForURL((url) => url.href.startsWith(callback))
  await page.getByRole('heading', { level: 1, name: 'Callback' }).waitFor()
  return {
    fragment: new URLSearchParams((await page.locator('#fragment').textContent()) ?? ''),
    query: (await page.locator('#query').textContent()) ?? '',
  }
}

const browser = await launchChromium()
after(() => browser.close())
const keyward = await startTestServer()
after(() => keyward.close())
// The client's site, recording the URL of every request the browser sent it.
const { callback, received } = await startCallbackSite(CALLBACK_PAGE)
const implicitClient = (
  await keyward.client({
    name: CLIENT_NAME,
    type: 'public',
    grantTypes: ['implicit'],
    redirectUris: [callback],
    allowLegacy: ['implicit'],
  })
).client
const codeClient = (await keyward.client({ type: 'public', redirectUris: [callback] })).client

describe('the legacy implicit flow (RFC 6749 §4.2) for a client that has it, in Chromium', () => {
  const authorizeUrl = (client: Client, params: Record<string, string>) =>
    `${keyward.issuer}/authorize?${new URLSearchParams({
      response_type: 'token',
      client_id: client.id,
      redirect_uri: callback,
      ...params,
    })}`

  test('the access token arrives in the fragment, never the query, without a refresh token', async () => {
    const user = await keyward.user()
    const state = 'state with spaces & symbols'
    await inNewContext(browser, async ({ page }) => {
      await page.goto(authorizeUrl(implicitClient, { state, scope: 'read' }))
      await page.getByRole('heading', { level: 1, name: `Sign in to continue to ${CLIENT_NAME}` }).waitFor()
      await page.getByLabel('Username').fill(user.username)
      await page.getByLabel('Password').fill(user.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('heading', { level: 1, name: `${CLIENT_NAME} wants to:` }).waitFor()
      await page.getByRole('button', { name: 'Allow' }).click()

      const { fragment, query } = await landedWith(page, callback)
      assert.equal(query, '', 'nothing in the query')
      const accessToken = fragment.get('access_token')
      assert.ok(accessToken, `an access token in the fragment: ${fragment}`)
      assert.equal(fragment.get('token_type'), 'Bearer')
      assert.equal(fragment.get('state'), state, 'state echoed unchanged')
      assert.equal(fragment.get('scope'), 'read')
      assert.equal(fragment.get('iss'), keyward.issuer)
      assert.equal(fragment.has('refresh_token'), false, 'never a refresh token (RFC 6749 §4.2.2)')
      assert.equal(fragment.has('code'), false)
      const expiresIn = Number(fragment.get('expires_in'))
      assert.ok(expiresIn > 0 && expiresIn <= IMPLICIT_MAX_LIFETIME, `expires_in ${expiresIn} ≤ 300`)

      const claims = decodeJwt(accessToken)
      assert.equal(Number(claims.exp) - Number(claims.iat), expiresIn, 'the token itself lives that long')
      assert.equal(
        received.some(({ url }) => url.includes(accessToken)),
        false,
        'the client site never received the token',
      )
    })
  })

  test('a client without the implicit flow gets unsupported_response_type, in the fragment', async () => {
    await inNewContext(browser, async ({ page }) => {
      await page.goto(authorizeUrl(codeClient, { state: 'xyz' }))
      const { fragment, query } = await landedWith(page, callback)
      assert.equal(query, '')
      assert.equal(fragment.get('error'), 'unsupported_response_type')
      assert.equal(fragment.get('state'), 'xyz')
      assert.equal(fragment.get('iss'), keyward.issuer)
      assert.equal(fragment.has('access_token'), false)
    })
  })

  test('a request without state is invalid_request', async () => {
    await inNewContext(browser, async ({ page }) => {
      await page.goto(authorizeUrl(implicitClient, {}))
      const { fragment } = await landedWith(page, callback)
      assert.equal(fragment.get('error'), 'invalid_request')
      assert.match(fragment.get('error_description') ?? '', /state/)
      assert.equal(fragment.has('access_token'), false)
    })
  })
})
