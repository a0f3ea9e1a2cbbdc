import assert from 'node:assert/strict'
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { openStores } from '../../src/store/index.ts'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { freePort } from '../support/server.ts'
import { assertAccessible } from './page-checks.ts'

const REPOSITORY = new URL('../../', import.meta.url)
const STARTED = /Keyward is running/

async function isFree(port: number): Promise<boolean> {
  const server = createServer()
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => resolve(true))
  })
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()))
  return listening
}

/** The demo serves Keyward on a port and its example apps on the next four (web app, API, SPA, implicit page). */
const DEMO_PORTS = 5

async function freePortRun(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort()
    if (port > 65_535 - DEMO_PORTS) continue
    let free = true
    for (let next = 1; next < DEMO_PORTS && free; next++) free = await isFree(port + next)
    if (free) return port
  }
  throw new Error(`found no ${DEMO_PORTS} free ports in a row`)
}

type Demo = ChildProcessByStdio<null, Readable, Readable>

/** Resolves once the demo prints that it is running; rejects with its output if it exits first. */
function started(demo: Demo): Promise<void> {
  let output = ''
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (STARTED.test(output)) resolve()
    }
    demo.stdout.on('data', read)
    demo.stderr.on('data', read)
    demo.once('exit', (code, signal) => reject(new Error(`the demo exited (${code ?? signal}):\n${output}`)))
  })
}

/** SIGTERM, as Ctrl+C or a service manager sends it; SIGKILL if that has not stopped it after a while. */
async function stop(demo: Demo): Promise<void> {
  if (demo.exitCode !== null || demo.signalCode !== null) return
  const exited = once(demo, 'exit')
  const killer = setTimeout(() => demo.kill('SIGKILL'), 10_000)
  demo.kill('SIGTERM')
  await exited
  clearTimeout(killer)
}

describe('the demo, as the quick start runs it, in Chromium', () => {
  let browser: Browser
  let dataDir: string
  let demo: Demo
  let issuer: string

  before(async () => {
    browser = await launchChromium()
    dataDir = await mkdtemp(join(tmpdir(), 'keyward-demo-'))
    const port = await freePortRun()
    issuer = `http://127.0.0.1:${port}`
    // Only what the quick start sets: no KEYWARD_* from the surrounding shell may change the demo.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_')),
    )
    // `npx node bin/keyward.js`, minus the npx wrapper: this is the Node 24 that npx resolved for the test run.
    demo = spawn(process.execPath, ['bin/keyward.js', 'start', '--demo'], {
      cwd: REPOSITORY,
      env: { ...env, KEYWARD_DATA_DIR: dataDir, KEYWARD_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    await started(demo)
  })

  after(async () => {
    try {
      if (demo !== undefined) {
        await stop(demo)
        assert.equal(demo.exitCode, 0, `the demo stops cleanly on SIGTERM (signal: ${demo.signalCode})`)
      }
    } finally {
      await browser?.close()
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
    }
  })

  test('from the home page to the web app, signed in as the demo user, the token claims are shown', async () => {
    const clients = JSON.parse(await readFile(join(dataDir, 'demo-clients.json'), 'utf8')) as {
      webApp: { clientId: string }
    }
    const stores = await openStores(`sqlite:${join(dataDir, 'keyward.db')}`)
    const demoUser = await stores.users.getByUsername('demo').finally(() => stores.close())
    assert.ok(demoUser, 'the demo user was created')

    await inNewContext(browser, async ({ page }) => {
      await page.goto(`${issuer}/`)
      await assertAccessible(page)
      await page.getByRole('link', { name: /Web app/ }).click()
      await page.getByRole('button', { name: 'Sign in with Keyward' }).click()

      await page.waitForURL((url) => url.origin === issuer && url.pathname === '/authorize')
      await assertAccessible(page)
      await page.getByLabel('Username').fill('demo')
      await page.getByLabel('Password').fill('demo-password')
      await page.getByRole('button', { name: 'Sign in' }).click()

      await page.getByRole('heading', { level: 1, name: 'Demo web app wants to:' }).waitFor()
      await assertAccessible(page)
      await page.getByRole('button', { name: 'Allow' }).click()

      await page.getByRole('heading', { level: 1, name: 'Signed in' }).waitFor()
      const claims = JSON.parse((await page.locator('h3:text-is("Payload") + pre').textContent()) ?? '')
      assert.equal(claims.sub, demoUser.id)
      assert.equal(claims.client_id, clients.webApp.clientId)
      assert.equal(claims.scope, 'profile read')
      assert.equal(claims.iss, issuer)
    })
  })
})
