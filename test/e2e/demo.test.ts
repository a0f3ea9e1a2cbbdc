import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { DEMO_PORT_VARIABLES } from '../../examples/demo/ports.ts'
import { openStores } from '../../src/store/index.ts'
import { inNewContext, launchChromium } from '../support/browser.ts'
import { close, freePorts, listen } from '../support/ports.ts'
import { type KeywardProcess, shellEnvironment, startKeywardProcess } from '../support/keyward-process.ts'
import { assertAccessible } from './page-checks.ts'

const REPOSITORY = new URL('../../', import.meta.url)

/** Ports the OS picked, each its own: Keyward's and one per example app, so no run of free ports is needed. */
async function demoPorts(): Promise<{ keyward: number; env: Record<string, string> }> {
  const [keyward = 0, ...apps] = await freePorts(1 + DEMO_PORT_VARIABLES.length)
  return {
    keyward,
    env: {
      KEYWARD_PORT: String(keyward),
      ...Object.fromEntries(DEMO_PORT_VARIABLES.map((variable, index) => [variable, String(apps[index])])),
    },
  }
}

/** What `npm start` runs: package.json's start script, minus npm (the Node 24 that npx resolved runs it). */
function demoArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('package.json', REPOSITORY), 'utf8')) as {
    scripts: { start: string }
  }
  const [node, ...args] = scripts.start.split(' ')
  assert.equal(node, 'node', `npm start runs node: ${scripts.start}`)
  return args
}

describe('the demo, as the quick start runs it, in Chromium', () => {
  let browser: Browser
  let dataDir: string
  let demo: KeywardProcess
  let issuer: string

  before(async () => {
    browser = await launchChromium()
    dataDir = await mkdtemp(join(tmpdir(), 'keyward-demo-'))
    const ports = await demoPorts()
    // Only these settings: no KEYWARD_* or DEMO_* from the surrounding shell may change it.
    demo = await startKeywardProcess(
      { ...ports.env, KEYWARD_DATA_DIR: dataDir },
      { args: demoArgs(), port: ports.keyward },
    )
    issuer = demo.issuer
  })

  after(async () => {
    try {
      if (demo !== undefined) {
        await demo.close()
        assert.equal(demo.ended(), 'exit 0', 'the demo stops cleanly on SIGTERM')
      }
    } finally {
      await browser?.close()
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
    }
  })

  test('from the home page to the web app: the demo user’s name and token claims; Sign out ends the Keyward session', async () => {
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
      assert.equal(await page.locator('.person-name').textContent(), 'Dana Demo')
      const claims = JSON.parse((await page.locator('h3:text-is("Payload") + pre').textContent()) ?? '')
      assert.equal(claims.sub, demoUser.id)
      assert.equal(claims.client_id, clients.webApp.clientId)
      assert.equal(claims.scope, 'openid profile email read')
      assert.equal(claims.iss, issuer)

      // Sign out goes through Keyward's end_session_endpoint and back: the next sign-in asks for the password.
      const webAppHome = new URL('/', page.url()).href
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(webAppHome)
      await page.getByRole('button', { name: 'Sign in with Keyward' }).click()
      await page.waitForURL((url) => url.origin === issuer && url.pathname === '/authorize')
      await page.getByLabel('Password').waitFor()
    })
  })
  test('the MCP server is on the home page, publishes its metadata, and agents may register themselves', async () => {
    const metadataUrl = await inNewContext(browser, async ({ page }) => {
      await page.goto(`${issuer}/`)
      return page.getByRole('link', { name: /MCP server/ }).getAttribute('href')
    })
    assert.ok(metadataUrl)
    const metadata = (await (await fetch(metadataUrl)).json()) as {
      resource: string
      authorization_servers: string[]
    }
    assert.deepEqual(metadata.authorization_servers, [issuer])
    const stores = await openStores(`sqlite:${join(dataDir, 'keyward.db')}`)
    const resource = await stores.resources.get(metadata.resource).finally(() => stores.close())
    assert.deepEqual(resource?.scopes, ['notes:read', 'notes:write'], 'Keyward knows the MCP server')
    const server = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
      registration_endpoint?: string
      client_id_metadata_document_supported?: boolean
    }
    assert.equal(server.registration_endpoint, `${issuer}/register`)
    assert.equal(server.client_id_metadata_document_supported, true)
  })
})

test('the demo with an example app’s port taken: a plain message, exit 1, and every port let go', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyward-demo-taken-'))
  // A port this test holds for as long as the demo runs: nobody else can free it meanwhile.
  const blocker = await listen(0)
  try {
    const taken = (blocker.address() as AddressInfo).port
    const ports = await demoPorts()
    const demo = spawn(process.execPath, demoArgs(), {
      cwd: REPOSITORY,
      env: { ...shellEnvironment(), ...ports.env, DEMO_SPA_PORT: String(taken), KEYWARD_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const killer = setTimeout(() => demo.kill('SIGKILL'), 30_000)
    const [code] = (await once(demo, 'exit')) as [number | null]
    clearTimeout(killer)
    assert.equal(code, 1, stderr)
    assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${taken} is already in use`))
    assert.match(stderr, /KEYWARD_PORT/)
    assert.match(stderr, /DEMO_SPA_PORT/)
    assert.doesNotMatch(stderr, /at Server\./, 'no stack trace for a mistake the user can fix')
    // Keyward and the apps started before the SPA were closed, not left running without the demo.
    await close(await listen(ports.keyward))
    for (const variable of ['DEMO_WEB_APP_PORT', 'DEMO_API_PORT'])
      await close(await listen(Number(ports.env[variable])))
  } finally {
    await close(blocker)
    await rm(dataDir, { recursive: true, force: true })
  }
})
