import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, before, describe, test } from 'node:test'
import express from 'express'
import Fastify from 'fastify'
import { pino } from 'pino'
import { type Accounts, accountsOf } from '../../../examples/embedded/accounts.ts'
import { type Host, startExpressHost } from '../../../examples/embedded/express-host.ts'
import { startFastifyHost } from '../../../examples/embedded/fastify-host.ts'
import { embedKeyward, type HostSetup } from '../../../examples/embedded/host.ts'
import { listen } from '../../../examples/listen.ts'
import { formOn, newBrowser } from '../../support/flow.ts'
import { freePort } from '../../support/ports.ts'

const ADA = {
  id: 'account-1',
  username: 'ada',
  displayName: 'Ada Lovelace',
  password: 'correct horse battery',
}
const SECRET = 'a host secret of at least thirty-two characters'

/** A host's setup with a logger whose lines the test reads. */
function setupFor(port: number, accounts: Accounts) {
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
  const setup: HostSetup = { origin: `http://127.0.0.1:${port}`, accounts, logger, secret: SECRET }
  return {
    setup,
    events: (name: string) => lines.map((line) => JSON.parse(line)).filter((entry) => entry.event === name),
  }
}

const hosts = { Express: startExpressHost, Fastify: startFastifyHost }

for (const [framework, startHost] of Object.entries(hosts)) {
  describe(`Keyward embedded in ${framework} at /auth (examples/embedded)`, () => {
    let host: Host
    let events: (name: string) => Record<string, unknown>[]

    before(async () => {
      const port = await freePort()
      const made = setupFor(port, await accountsOf([ADA]))
      events = made.events
      host = await startHost(made.setup, port)
    })
    after(() => host?.close())

    test("a person signs in to the host with the host's own account, through pages under /auth", async () => {
      const browser = newBrowser(host.url)
      assert.match((await browser.get('/')).body, /You are not signed in/)
      const start = await browser.get('/login')
      assert.equal(start.status, 303)
      assert.ok(start.location?.startsWith(`${host.issuer}/authorize?`), String(start.location))

      const login = await browser.get(start.location ?? '')
      assert.equal(login.status, 200, login.body)
      assert.match(login.body, /href="\/auth\/assets\/keyward\.css"/)
      const stylesheet = await browser.get('/auth/assets/keyward.css')
      assert.equal(stylesheet.status, 200)
      assert.match(stylesheet.headers.get('content-type') ?? '', /^text\/css/)
      const loginForm = formOn(login.body)
      assert.equal(loginForm?.action, '/auth/login')

      const wrong = await browser.post('/auth/login', {
        ...loginForm?.fields,
        username: 'ada',
        password: 'wrong password',
      })
      assert.equal(wrong.status, 401)
      assert.equal(formOn(wrong.body)?.action, '/auth/login')

      const consent = await browser.post('/auth/login', {
        ...loginForm?.fields,
        username: 'ada',
        password: ADA.password,
      })
      assert.equal(consent.status, 200)
      const consentForm = formOn(consent.body)
      assert.equal(consentForm?.action, '/auth/consent')
      assert.match(consent.body, /Signed in as <strong>ada<\/strong>/)

      const approved = await browser.post('/auth/consent', { ...consentForm?.fields, decision: 'approve' })
      assert.equal(approved.status, 303)
      assert.ok(approved.location?.startsWith(`${host.url}/callback?`), String(approved.location))
      const callback = await browser.get(approved.location ?? '')
      assert.equal(callback.status, 303, callback.body)
      assert.match((await browser.get('/')).body, /Signed in as <strong>Ada Lovelace<\/strong>/)

      // Keyward's security events went to the host's logger.
      assert.deepEqual(
        events('sign_in_succeeded').map((event) => event.userId),
        [ADA.id],
      )
      assert.deepEqual(
        events('sign_in_failed').map((event) => event.userId),
        [ADA.id],
      )
    })

    test('metadata is at the host root (RFC 8414 §3.1) and under the mount, naming the issuer', async () => {
      for (const path of [
        '/.well-known/oauth-authorization-server/auth',
        '/auth/.well-known/oauth-authorization-server',
      ]) {
        const response = await fetch(`${host.url}${path}`)
        assert.equal(response.status, 200, path)
        assert.equal(response.headers.get('access-control-allow-origin'), '*', path)
        const metadata = (await response.json()) as Record<string, unknown>
        assert.equal(metadata.issuer, host.issuer)
        assert.equal(metadata.token_endpoint, `${host.issuer}/token`)
      }
    })

    test('Keyward answers errors under its mount; the host answers everything else', async () => {
      const missing = await fetch(`${host.url}/auth/nothing-here`)
      assert.equal(missing.status, 404)
      assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request')
      const token = await fetch(`${host.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      assert.equal(token.status, 400)
      assert.equal(((await token.json()) as { error: string }).error, 'invalid_request')
      const hostMissing = await fetch(`${host.url}/elsewhere`)
      assert.equal(hostMissing.status, 404)
      // The host's own 404, not Keyward's RFC 6749 JSON.
      assert.doesNotMatch(await hostMissing.text(), /error_description/)
    })
  })
}

describe('embedding mistakes are said plainly', () => {
  test("a Fastify plugin registered under another prefix than the issuer's path is refused", async () => {
    const port = await freePort()
    const auth = await embedKeyward(setupFor(port, await accountsOf([ADA])).setup)
    const app = Fastify()
    try {
      await assert.rejects(async () => {
        await app.register(auth.keyward.fastifyPlugin, { prefix: '/oauth' })
        await app.ready()
      }, /register it with \{ prefix: '\/auth' \}, not '\/oauth'/)
    } finally {
      await app.close().catch(() => {})
      await auth.close()
    }
  })

  test('a body parser mounted before the Node handler gets a 500 that says so, not a hang', async () => {
    const port = await freePort()
    const auth = await embedKeyward(setupFor(port, await accountsOf([ADA])).setup)
    const app = express()
    app.use(express.urlencoded({ extended: false }))
    app.use(auth.keyward.basePath, auth.keyward.handler)
    const listening = await listen(createServer(app), port)
    try {
      const response = await fetch(`${listening.url}/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
        signal: AbortSignal.timeout(10_000),
      })
      assert.equal(response.status, 500)
      assert.deepEqual(await response.json(), {
        error: 'server_error',
        error_description: 'The request body was read before Keyward: mount Keyward before body parsers.',
      })
    } finally {
      await listening.close()
      await auth.close()
    }
  })

  test('stores handed in are used, and left open for their owner', async () => {
    const port = await freePort()
    const auth = await embedKeyward(setupFor(port, await accountsOf([ADA])).setup)
    assert.equal(auth.keyward.core.stores, auth.stores)
    await auth.keyward.close()
    assert.deepEqual(
      (await auth.stores.clients.list()).map((client) => client.name),
      ['Host application'],
    )
    await auth.stores.close()
  })
})
