import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, test } from 'node:test'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { newPkce } from '../support/flow.ts'
import { freePort } from '../support/ports.ts'
import { startTestServer } from '../support/server.ts'

// OAuth 2.0 Form Post Response Mode in Chromium: the response page posts itself to the client, under Keyward's
// CSP (a violation fails the test: test/support/browser.ts), and nothing of the response is in a URL.

const browser = await launchChromium()
after(() => browser.close())
const keyward = await startTestServer()
after(() => keyward.close())
const port = await freePort()
const callback = `http://127.0.0.1:${port}/callback`
const received: { method: string; url: string; body: string }[] = []
const site = createServer((request, response) => {
  let body = ''
  request.on('data', (chunk: Buffer) => (body += chunk.toString()))
  request.on('end', () => {
    received.push({ method: request.method ?? '', url: request.url ?? '', body })
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Callback</title><h1>Callback</h1>')
  })
})
await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve))
after(() => new Promise((resolve) => site.close(resolve)))

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
