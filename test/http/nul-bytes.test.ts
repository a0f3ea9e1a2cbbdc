import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { deviceClient, startDevice } from '../support/device-flow.ts'
import { createPostgresDatabase } from '../support/postgres.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { basicAuthorization, type RegisteredClient } from '../support/oauth-client.ts'
import { codeRequest, formOn, newBrowser, newPkce, type Page, submit } from '../support/flow.ts'

// PostgreSQL cannot store a NUL in text (SQLSTATE 22021): a value holding one is bad input on every store.
const NUL = 'a\u0000b'

interface Reply {
  readonly status: number
  readonly body: string
}

async function send(server: TestServer, path: string, init: RequestInit): Promise<Reply> {
  const response = await fetch(`${server.issuer}${path}`, init)
  return { status: response.status, body: await response.text() }
}

const postForm = (
  server: TestServer,
  path: string,
  form: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>> = {},
) => send(server, path, { method: 'POST', headers, body: new URLSearchParams(form) })

function assertInvalidRequest(reply: Reply): void {
  assert.equal(reply.status, 400, reply.body.slice(0, 300))
  assert.equal((JSON.parse(reply.body) as { error?: string }).error, 'invalid_request', reply.body)
}

function assertErrorPage(reply: Reply | Page): void {
  assert.equal(reply.status, 400, reply.body.slice(0, 300))
  assert.match(reply.body, /<!doctype html>/i)
  assert.match(reply.body, /Error code: invalid_request/)
}

for (const store of ['SQLite', 'PostgreSQL'] as const) {
  describe(`a NUL byte in client_id or username, on ${store}: 400 invalid_request, never a 500`, () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined
    let server: TestServer
    let app: RegisteredClient
    let device: RegisteredClient
    let logged: number
    const user = { username: 'alice', password: 'alice-password-1' }

    before(async () => {
      database = store === 'PostgreSQL' ? await createPostgresDatabase('nul') : undefined
      server = await startTestServer(database === undefined ? {} : { databaseUrl: database.url })
      app = await server.client({
        grantTypes: ['authorization_code', 'refresh_token', 'password'],
        allowLegacy: ['password'],
      })
      device = await deviceClient(server)
      await server.user(user.username, user.password)
    })
    after(async () => {
      await server?.close()
      await database?.drop()
    })

    // Each request is answered as the client's mistake it is: logged as such, without a stack trace.
    beforeEach(() => {
      logged = server.logs.length
    })
    afterEach(() => {
      const lines = server.logs.slice(logged)
      assert.ok(!lines.some((line) => line.includes('"stack"')), lines.join(''))
      assert.ok(!lines.some((line) => /"level":50/.test(line)), lines.join(''))
    })

    test('/token with client_id in the body', async () => {
      assertInvalidRequest(
        await postForm(server, '/token', {
          grant_type: 'client_credentials',
          client_id: NUL,
          client_secret: 'secret',
        }),
      )
    })

    test('/token with the client id in the Basic header', async () => {
      const reply = await postForm(
        server,
        '/token',
        { grant_type: 'client_credentials' },
        { authorization: basicAuthorization(NUL, 'secret') },
      )
      assertInvalidRequest(reply)
    })

    test('/token with the username of the password grant', async () => {
      const reply = await postForm(
        server,
        '/token',
        { grant_type: 'password', username: NUL, password: 'alice-password-1' },
        { authorization: basicAuthorization(app.client.id, app.secret ?? '') },
      )
      assertInvalidRequest(reply)
    })

    test('/revoke', async () => {
      assertInvalidRequest(await postForm(server, '/revoke', { token: 'x', client_id: NUL }))
    })

    test('/introspect', async () => {
      assertInvalidRequest(
        await postForm(
          server,
          '/introspect',
          { token: 'x' },
          { authorization: basicAuthorization(NUL, 's') },
        ),
      )
    })

    test('/device_authorization', async () => {
      assertInvalidRequest(await postForm(server, '/device_authorization', { client_id: NUL }))
    })

    test('/authorize: an error page', async () => {
      const query = codeRequest(app.client, newPkce(), { client_id: NUL })
      assertErrorPage(await send(server, `/authorize?${query}`, { headers: { accept: 'text/html' } }))
    })

    test('/login: the username, and the client_id carried in the form', async () => {
      const browser = newBrowser(server.issuer)
      const login = await browser.get(`/authorize?${codeRequest(app.client, newPkce(), { scope: 'read' })}`)
      assert.equal(formOn(login.body)?.action, '/login')
      assertErrorPage(await submit(browser, login, { username: NUL, password: user.password }))
      assertErrorPage(await submit(browser, login, { ...user, client_id: NUL }))
    })

    test('/consent: the client_id carried in the form', async () => {
      const browser = newBrowser(server.issuer)
      const login = await browser.get(`/authorize?${codeRequest(app.client, newPkce(), { scope: 'read' })}`)
      const consent = await submit(browser, login, user)
      assert.equal(formOn(consent.body)?.action, '/consent')
      assertErrorPage(await submit(browser, consent, { decision: 'approve', client_id: NUL }))
    })

    test('/device/login: the username', async () => {
      const { userCode } = await startDevice(server, device)
      const browser = newBrowser(server.issuer)
      const login = await submit(browser, await browser.get('/device'), { user_code: userCode })
      assert.equal(formOn(login.body)?.action, '/device/login')
      assertErrorPage(await submit(browser, login, { username: NUL, password: user.password }))
    })
  })
}
