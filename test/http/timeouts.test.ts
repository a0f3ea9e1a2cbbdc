import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import { ConfigError } from '../../src/core/config.ts'
import { type RawOutcome, rawExchange } from '../support/raw-http.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { isRfc6749Body } from '../support/rfc6749.ts'

/**
 * Small timeouts, so that each stalled client is dealt with in a second or two; a client that is still held when
 * `rawExchange` gives up (10 s) has been held for several times the configured limit. Node checks the request
 * timeout once a second (connectionsCheckingInterval), so a stalled body gets its 408 between 2 and 3 s, later on
 * a loaded machine: the idle timeout stays well clear of that, or it would close the socket first, without a word.
 */
const HTTP = { headersTimeout: 1, requestTimeout: 2, keepAliveTimeout: 1, idleTimeout: 6 }

let server: TestServer
let port: number
before(async () => {
  server = await startTestServer({ http: HTTP })
  port = Number(new URL(server.issuer).port)
})
after(() => server.close())

const HALF_BODY =
  'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
  'Content-Length: 100\r\n\r\ngrant_type=client_cre'
const HALF_HEADERS = 'GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: 127.0.0.1\r\nAcc'

/** Released: answered 408 (RFC 9110 §15.5.9) with an RFC 6749 body, or closed; never held past the limit. */
function assertReleased(outcome: RawOutcome, what: string): void {
  assert.notEqual(outcome.kind, 'hung', `${what}: the server still held the connection`)
  if (outcome.kind === 'response') {
    assert.equal(outcome.response.status, 408, what)
    assert.ok(isRfc6749Body(outcome.response.body), `${what}: ${outcome.response.body.toString()}`)
    assert.equal(outcome.response.headers.get('connection'), 'close', what)
    assert.equal(outcome.response.headers.get('x-content-type-options'), 'nosniff', what)
  }
}

/** Connections the server still counts; its side of a closed socket may close a moment after the client's. */
async function openConnections(): Promise<number> {
  const count = () =>
    new Promise<number>((resolve, reject) =>
      server.app.server.getConnections((error, open) => (error ? reject(error) : resolve(open))),
    )
  for (let attempt = 0; attempt < 40; attempt++) {
    if ((await count()) === 0) return 0
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return count()
}

describe('HTTP timeouts', () => {
  test('a client that sends its headers and half its body, then stalls, gets 408 and is closed', async () => {
    const outcome = await rawExchange(port, HALF_BODY)
    assert.equal(outcome.kind, 'response')
    assertReleased(outcome, 'half a body')
  })

  test('a client that never finishes its headers is dropped', async () => {
    assertReleased(await rawExchange(port, HALF_HEADERS), 'half the headers')
  })

  test('a client that connects and sends nothing is dropped', async () => {
    assertReleased(await rawExchange(port, ''), 'silent connection')
  })

  test('an idle keep-alive connection is closed after its request was answered', async () => {
    const outcome = await rawExchange(
      port,
      'GET /jwks.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /jwks.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      { keepReading: true },
    )
    assert.equal(outcome.kind, 'closed', 'the server closed the connection after its two answers')
  })

  test('200 stalled connections at once are all released, and the server still serves', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        rawExchange(port, index % 2 === 0 ? HALF_BODY : HALF_HEADERS),
      ),
    )
    outcomes.forEach((outcome, index) => assertReleased(outcome, `connection ${index}`))
    assert.equal(await openConnections(), 0, 'no connection is left open on the server')
    const metadata = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
    assert.equal(metadata.status, 200)
    const errors = server.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)
    assert.deepEqual(errors, [], 'a timeout is not a server error')
  })
})

describe('HTTP timeout configuration', () => {
  const env = { KEYWARD_DATABASE_URL: 'sqlite::memory:', KEYWARD_SECRET: 'x'.repeat(32) }

  test('defaults are seconds, not minutes', () => {
    const { http } = loadConfig(env)
    assert.deepEqual(http, { headersTimeout: 10, requestTimeout: 30, keepAliveTimeout: 5, idleTimeout: 30 })
  })

  test('each timeout has its environment variable', () => {
    const { http } = loadConfig({
      ...env,
      KEYWARD_HTTP_HEADERS_TIMEOUT: '3',
      KEYWARD_HTTP_REQUEST_TIMEOUT: '7',
      KEYWARD_HTTP_KEEP_ALIVE_TIMEOUT: '65',
      KEYWARD_HTTP_IDLE_TIMEOUT: '40',
    })
    assert.deepEqual(http, { headersTimeout: 3, requestTimeout: 7, keepAliveTimeout: 65, idleTimeout: 40 })
  })

  test('a header timeout longer than the request timeout is refused', () => {
    assert.throws(
      () => loadConfig({ ...env, KEYWARD_HTTP_HEADERS_TIMEOUT: '40', KEYWARD_HTTP_REQUEST_TIMEOUT: '30' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /KEYWARD_HTTP_HEADERS_TIMEOUT: headersTimeout must not exceed/.test(error.message),
    )
  })
})
