import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import { type RawOutcome, rawExchange } from '../support/raw-http.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { isRfc6749Body } from '../support/rfc6749.ts'

let server: TestServer
let port: number
before(async () => {
  server = await startTestServer()
  port = Number(new URL(server.issuer).port)
})
after(() => server.close())

/** An answer Keyward made, not Node or Fastify: RFC 6749 JSON with the security headers. */
function assertKeywardAnswer(outcome: RawOutcome, status: number, what: string): void {
  assert.equal(outcome.kind, 'response', what)
  if (outcome.kind !== 'response') return
  const { response } = outcome
  assert.equal(response.status, status, what)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, what)
  assert.ok(isRfc6749Body(response.body), `${what}: ${response.body.toString()}`)
  assert.equal(JSON.parse(response.body.toString()).error, 'invalid_request', what)
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what)
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/, what)
  assert.equal(response.headers.get('cache-control'), 'no-store', what)
}

const REQUEST = 'GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: 127.0.0.1\r\n'

test('bytes that are not HTTP get 400 with an RFC 6749 body', async () => {
  for (const [what, bytes] of [
    ['garbage', '\u0000\u0001\u0002 nonsense\r\n\r\n'],
    ['control byte in a header', `${REQUEST}X-A: a\u0001b\r\n\r\n`],
    ['header without a colon', `${REQUEST}NoColon\r\n\r\n`],
    ['lower-case method', 'get / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['two lengths', 'POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    [
      'bad chunk size',
      'POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nab\r\n0\r\n\r\n',
    ],
  ]) {
    assertKeywardAnswer(await rawExchange(port, bytes as string), 400, what as string)
  }
})

test('headers over 16 KB get 431 with an RFC 6749 body', async () => {
  assertKeywardAnswer(await rawExchange(port, `${REQUEST}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, '20 KB')
})

test('RFC 9110 §10.1.1: an expectation other than 100-continue gets 417 with an RFC 6749 body', async () => {
  assertKeywardAnswer(await rawExchange(port, `${REQUEST}Expect: teapot\r\n\r\n`), 417, 'Expect: teapot')
})

test('RFC 9112 §3.2: an HTTP/1.1 request without Host gets 400 with an RFC 6749 body', async () => {
  const outcome = await rawExchange(port, 'GET /jwks.json HTTP/1.1\r\n\r\n')
  assertKeywardAnswer(outcome, 400, 'no Host')
  // HTTP/1.0 has no Host requirement.
  const old = await rawExchange(port, 'GET /jwks.json HTTP/1.0\r\n\r\n')
  assert.equal(old.kind === 'response' && old.response.status, 200)
})

test('CONNECT, which only a proxy takes, gets 400 with an RFC 6749 body instead of a dropped connection', async () => {
  const outcome = await rawExchange(port, 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n')
  assertKeywardAnswer(outcome, 400, 'CONNECT')
})

/** Waits, a bounded while, for something the server does on its own time. */
async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  assert.ok(condition(), 'the server did not get there in 2 s')
}

test('a request that arrives while the server drains is served, then the connection closes', async () => {
  const draining = await startTestServer()
  const socket = connect(Number(new URL(draining.issuer).port), '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const closed = new Promise((resolve) => socket.on('close', resolve))
  await new Promise((resolve) => socket.on('connect', resolve))
  // A request still arriving keeps the connection busy, so closing the server does not drop it.
  socket.write(
    'POST /revoke HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      'Content-Length: 7\r\n\r\ntoken=',
  )
  await until(() => draining.logs.some((line) => line.includes('"path":"/revoke"')))
  const closing = draining.close()
  await until(() => !draining.app.server.listening)
  socket.write('x' + 'GET /jwks.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  await closed
  await closing
  const answers = Buffer.concat(chunks)
    .toString()
    .split(/(?=HTTP\/1\.1 )/)
  assert.equal(answers.length, 2, answers.join('\n'))
  assert.match(answers[1] ?? '', /^HTTP\/1\.1 200 /)
  assert.match(answers[1] ?? '', /\r\nconnection: close\r\n/i)
})
