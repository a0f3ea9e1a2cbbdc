import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import type { Page } from 'playwright-core'
import { type DeviceCodes, deviceClient, errorOf, poll, startDevice } from '../support/device-flow.ts'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { startTestServer } from '../support/server.ts'

const CLIENT_NAME = 'Living Room TV'

const browser = await launchChromium()
after(() => browser.close())
const server = await startTestServer()
after(() => server.close())
const device = await deviceClient(server, { name: CLIENT_NAME, scopes: ['profile', 'read'] })
const client = device.client
const person = await server.user()

describe('a person approves a device on the verification page, in Chromium', () => {
  /** Opens verification_uri, types the code as a person would (lower case, no dash), and signs in. */
  async function reachApproval(page: Page, codes: DeviceCodes): Promise<void> {
    await page.goto(codes.verificationUri)
    await page.getByRole('heading', { level: 1, name: 'Enter the code shown on your device' }).waitFor()
    await page.getByLabel('Code').fill(codes.userCode.replace('-', '').toLowerCase())
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.getByRole('heading', { level: 1, name: `Sign in to continue to ${CLIENT_NAME}` }).waitFor()
    await page.getByLabel('Username').fill(person.username)
    await page.getByLabel('Password').fill(person.password)
    await page.getByRole('button', { name: 'Sign in' }).click()

    await page.getByRole('heading', { level: 1, name: `${CLIENT_NAME} wants to:` }).waitFor()
    for (const description of ['See your username', 'Read your data']) {
      assert.ok(await page.getByText(description).isVisible(), `the page lists: ${description}`)
    }
    assert.equal(await page.locator('.user-code').textContent(), codes.userCode, 'the code to compare')
    assert.ok(
      await page.getByText('Only continue if you started this on your own device.').isVisible(),
      'the remote phishing warning of RFC 8628 §5.4',
    )
  }

  test('approve: the done page, and the device polling with fetch gets tokens', async () => {
    const codes = await startDevice(server, device, { scope: 'profile read' })
    assert.equal(errorOf(await poll(server, device, codes.deviceCode)), 'authorization_pending')
    await inNewContext(browser, async ({ page }) => {
      await reachApproval(page, codes)
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.getByRole('heading', { level: 1, name: 'You can return to your device' }).waitFor()
      assert.match(
        (await page.locator('main').textContent()) ?? '',
        new RegExp(`${CLIENT_NAME}\\s+can now use your account`),
      )
    })

    server.clock.advance(codes.interval)
    const tokens = await poll(server, device, codes.deviceCode)
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json))
    assert.equal(tokens.json.scope, 'profile read')
    const claims = decodeJwt(String(tokens.json.access_token))
    assert.equal(claims.client_id, client.id)
    assert.equal(claims.sub, (await server.core.stores.users.getByUsername(person.username))?.id)
  })

  test('deny: the device gets access_denied', async () => {
    const codes = await startDevice(server, device, { scope: 'profile read' })
    await inNewContext(browser, async ({ page }) => {
      await reachApproval(page, codes)
      await page.getByRole('button', { name: 'Deny' }).click()
      await page.getByRole('heading', { level: 1, name: 'Access denied' }).waitFor()
    })
    const reply = await poll(server, device, codes.deviceCode)
    assert.equal(errorOf(reply), 'access_denied')
    assert.equal(reply.json.access_token, undefined)
  })
})
