import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { startCallbackSite } from '../support/callback-site.ts'
import { newPkce } from '../support/flow.ts'
import { startTestServer } from '../support/server.ts'

// OAuth 2.0 Form Post Response Mode in Chromium: the response page posts itself to the client, under Keyward's
// CSP (a violation fails the test: test/support/browser.ts), and nothing of the response is in a URL.

const browser = await launchChromium()
after(() => browser.close())
const keyward = await startTestServer()
after(() => keyward.close())
const { callback, received } = await startCallbackSite(
  '<!doctype html><title>Callback</title><h1>Callback</h1>',
)

test('the browser posts the code to the client by itself, once the person approved', async () => {
  const user = await keyward.user()
  const { client } = await keyward.client({ name: 'Form Post App', type: 'public', redirectUris: [callback] })
  const query = new URLSearchParams({
    response_type: 'code',
    response_mode: 'form_post',
    client_id: client.id,
    redirect_uri: callback,
    state: 'st',
    code_challenge: newPkce().challenge,
    code_challenge_method: 'S256',
  })
  await inNewContext(browser, async ({ page }) => {
    await page.goto(`${keyward.issuer}/authorize?${query}`)
    await page.getByLabel('Username').fill(user.username)
    await page.getByLabel('Password').fill(user.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.getByRole('heading', { level: 1, name: 'Callback' }).waitFor()
    assert.equal(page.url(), callback, 'nothing of the response in the URL')
  })
  // The browser also asks the site for its favicon; the callback is requested once, by POST.
  const callbacks = received.filter((request) => request.url.startsWith('/callback'))
  assert.deepEqual(
    callbacks.map((request) => `${request.method} ${request.url}`),
    ['POST /callback'],
  )
  const posted = new URLSearchParams(callbacks[0]?.body)
  assert.ok(posted.get('code'))
  assert.equal(posted.get('state'), 'st')
  assert.equal(posted.get('iss'), keyward.issuer)
})
