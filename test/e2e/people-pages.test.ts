import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test, type TestContext } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { Client } from '../../src/core/model/client.ts'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { codeRequest, newPkce } from '../support/flow.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { assertAccessible, assertFitsPhone, PHONE } from './page-checks.ts'

// The pages a person meets besides sign-in: the account page, error pages and the consent page, in Chromium at a
// desktop's and a phone's width, with the accessibility checks and a screenshot of each.

const SCREENSHOTS = '/tmp/keyward-e2e'
const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', PHONE],
] as const

let browser: Browser
let server: TestServer
let photos: Client

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true })
  browser = await launchChromium()
  server = await startTestServer()
  photos = (
    await server.client({
      name: 'Photo Album',
      redirectUris: ['https://photos.example/callback'],
      scopes: ['profile', 'read', 'write'],
    })
  ).client
})
after(async () => {
  await server?.close()
  await browser?.close()
})

/** Saves the whole page and names the file in the test's output. */
async function screenshot(t: TestContext, page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  t.diagnostic(`screenshot: ${path}`)
}

async function signIn(page: Page, person: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(person.username)
  await page.getByLabel('Password').fill(person.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

describe('the account page, in Chromium', () => {
  for (const [size, viewport] of SIZES) {
    test(`at ${size} width: sign in, disconnect an app, sign out elsewhere, change the password`, async (t) => {
      const person = await server.user()
      await server.core.stores.consents.put({
        userId: person.id,
        clientId: photos.id,
        scope: ['profile', 'read'],
        resources: [],
        createdAt: server.clock.now(),
        updatedAt: server.clock.now(),
      })
      // Another browser of the same person, whose session the page lists and ends.
      await inNewContext(browser, async ({ page }) => {
        await page.goto(`${server.issuer}/account`)
        await signIn(page, person)
        await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor()
      })

      await inNewContext(
        browser,
        async ({ page }) => {
          await page.goto(`${server.issuer}/account`)
          await page.waitForURL(`${server.issuer}/account/login`)
          await assertAccessible(page)
          await signIn(page, person)
          await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor()
          await assertAccessible(page)
          assert.ok(await page.getByText('See your username, name and profile details').isVisible())
          assert.ok(await page.getByText('This browser').isVisible())
          assert.equal(await page.getByRole('button', { name: /^Sign out of the session/ }).count(), 1)
          await screenshot(t, page, `account-${size}`)
          if (size === 'phone') {
            await assertFitsPhone(page, page.getByRole('button', { name: 'Disconnect Photo Album' }))
            await assertFitsPhone(page, page.getByRole('button', { name: 'Change password' }))
          }

          await page.getByRole('button', { name: 'Disconnect Photo Album' }).click()
          await page.getByText('Photo Album is disconnected').waitFor()
          assert.ok(await page.getByText('You have not allowed any app to use your account.').isVisible())

          await page.getByRole('button', { name: /^Sign out of the session/ }).click()
          await page.getByText('That session is signed out.').waitFor()
          assert.equal(await page.getByRole('button', { name: /^Sign out of the session/ }).count(), 0)

          await page.getByLabel('Current password').fill(person.password)
          await page.getByLabel('New password', { exact: true }).fill('a new password here')
          await page.getByLabel('New password again').fill('a new password here')
          await page.getByRole('button', { name: 'Change password' }).click()
          await page.getByText('Your password is changed.').waitFor()
          await assertAccessible(page)
          await screenshot(t, page, `account-changed-${size}`)

          await page.getByRole('button', { name: 'Sign out everywhere' }).click()
          await page.waitForURL(`${server.issuer}/account/login`)
        },
        { viewport },
      )
    })
  }
})

describe('error pages, in Chromium', () => {
  for (const [size, viewport] of SIZES) {
    test(`at ${size} width: a bad link from an app, and a page not found, each with a way on`, async (t) => {
      await inNewContext(
        browser,
        async ({ page }) => {
          const query = codeRequest(photos, newPkce(), { redirect_uri: 'https://elsewhere.example/cb' })
          await page.goto(`${server.issuer}/authorize?${query}`)
          await page
            .getByRole('heading', { level: 1, name: 'The app sent you here with a bad link' })
            .waitFor()
          await assertAccessible(page)
          const back = page.getByRole('link', { name: 'Return to Photo Album' })
          assert.equal(await back.getAttribute('href'), 'https://photos.example')
          await screenshot(t, page, `error-bad-link-${size}`)
          if (size === 'phone') await assertFitsPhone(page, back)

          await page.goto(`${server.issuer}/nowhere`)
          await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor()
          await assertAccessible(page)
          assert.equal(await page.getByText('Error code').count(), 0)
          await screenshot(t, page, `error-not-found-${size}`)
          await page.getByRole('link', { name: 'Go to your account' }).click()
          await page.waitForURL(`${server.issuer}/account/login`)
        },
        { viewport },
      )
    })
  }
})

describe('the consent page, in Chromium', () => {
  for (const [size, viewport] of SIZES) {
    test(`at ${size} width: where the person will be sent, and "Not you?"`, async (t) => {
      const person = await server.user()
      const other = await server.user()
      await inNewContext(
        browser,
        async ({ page }) => {
          const query = codeRequest(photos, newPkce(), { scope: 'profile read', state: 'st' })
          await page.goto(`${server.issuer}/authorize?${query}`)
          await signIn(page, person)
          await page.getByRole('heading', { level: 1, name: 'Photo Album wants to:' }).waitFor()
          await assertAccessible(page)
          assert.match(
            (await page.locator('.destination').textContent()) ?? '',
            /Afterwards you will be sent to photos\.example\./,
          )
          await screenshot(t, page, `consent-destination-${size}`)
          if (size === 'phone') {
            await assertFitsPhone(page, page.getByRole('button', { name: 'Allow' }))
            await assertFitsPhone(page, page.getByRole('link', { name: 'Not you? Use another account' }))
          }

          await page.getByRole('link', { name: 'Not you? Use another account' }).click()
          await page.getByRole('heading', { level: 1, name: 'Sign in to continue to Photo Album' }).waitFor()
          await signIn(page, other)
          await page.getByRole('heading', { level: 1, name: 'Photo Album wants to:' }).waitFor()
          assert.ok(await page.getByText(`Signed in as ${other.username}`).isVisible())
        },
        { viewport },
      )
    })
  }
})
