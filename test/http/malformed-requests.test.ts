import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import { ENDPOINT_PATHS } from '../../src/core/endpoints/metadata.ts'
import { codeRequest, newBrowser, newPkce } from '../support/flow.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
let clientId: string
let challenge: string

before(async () => {
  server = await startTestServer()
  const { client } = await server.client({ name: 'Web' })
  clientId = client.id
  challenge = newPkce().challenge
})
after(() => server.close())

/** Sends raw bytes and returns the status of the first response line, or null if the server just closed. */
function rawStatus(request: Buffer | string): Promise<number | null> {
  const { hostname, port } = new URL(server.issuer)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      if (status) {
        socket.destroy()
        resolve(Number(status[1]))
      }
    })
    socket.on('end', () => resolve(null))
    socket.on('close', () => resolve(null))
    socket.on('error', reject)
    socket.end(request)
  })
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const basic = (text: string | Buffer) => `Basic ${Buffer.from(text).toString('base64')}`

/** Some 90 malformed requests: none may be answered with a 5xx, and the server must stay up. */
function malformedRequests(): [string, () => Promise<number | null>][] {
  const at =
    (path: string, init: RequestInit = {}) =>
    async () =>
      (await fetch(`${server.issuer}${path}`, { redirect: 'manual', ...init })).status
  const token = (body: BodyInit, headers: Record<string, string> = FORM) =>
    at('/token', { method: 'POST', headers, body })
  const valid = codeRequest(
    { id: clientId, redirectUris: ['https://client.example/callback'] },
    { verifier: '', challenge },
  )
  const browser = newBrowser(server.issuer)
  const cases: [string, () => Promise<number | null>][] = [
    // Authorization endpoint: odd queries.
    ['bad percent-encoding', at('/authorize?client_id=%zz&redirect_uri=%')],
    ['truncated UTF-8 escape', at(`/authorize?client_id=%E0%A4%A&${valid}`)],
    ['invalid UTF-8 in state', at(`/authorize?${valid}&state=%FF%FE`)],
    ['NUL in client_id', at('/authorize?client_id=a%00b')],
    ['huge client_id', at(`/authorize?client_id=${'x'.repeat(300)}`)],
    ['over-long parameter', at(`/authorize?${valid}&state=${'s'.repeat(5000)}`)],
    ['bracket parameter names', at(`/authorize?client_id[]=x&client_id[a]=y`)],
    ['prototype parameter names', at(`/authorize?__proto__=x&constructor=y&${valid}`)],
    ['javascript redirect_uri', at(`/authorize?client_id=${clientId}&redirect_uri=javascript:alert(1)`)],
    ['relative redirect_uri', at(`/authorize?client_id=${clientId}&redirect_uri=/callback`)],
    ['huge challenge', at(`/authorize?${valid}&code_challenge=${'c'.repeat(4000)}`)],
    ['control characters in scope', at(`/authorize?${valid}&scope=read%0D%0Aset-cookie:x`)],
    ['many parameters', at(`/authorize?${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}`)],
    ['query of only separators', at('/authorize?&&&===&')],
    ['DELETE authorize', at('/authorize', { method: 'DELETE' })],
    ['PATCH authorize', at('/authorize', { method: 'PATCH', body: 'x' })],
    ['OPTIONS authorize', at('/authorize', { method: 'OPTIONS' })],
    ['HEAD authorize', at(`/authorize?${valid}`, { method: 'HEAD' })],
    [
      'POST authorize with JSON',
      at('/authorize', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"client_id":1}',
      }),
    ],
    [
      'POST authorize with random bytes',
      at('/authorize', { method: 'POST', headers: FORM, body: randomBytes(2048) }),
    ],
    // Login and consent forms.
    ['login without a body', at('/login', { method: 'POST' })],
    [
      'login with JSON',
      at('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    ],
    ['login with random bytes', at('/login', { method: 'POST', headers: FORM, body: randomBytes(4096) })],
    [
      'login with a huge csrf_token',
      at('/login', { method: 'POST', headers: FORM, body: `csrf_token=${'a'.repeat(5000)}` }),
    ],
    [
      'login with a non-ASCII csrf_token',
      at('/login', { method: 'POST', headers: FORM, body: `csrf_token=${'%C3%A9'.repeat(43)}` }),
    ],
    [
      'login with an oversized cookie',
      at('/login', {
        method: 'POST',
        headers: { ...FORM, cookie: `kw_csrf=${'c'.repeat(4000)}` },
        body: 'csrf_token=x',
      }),
    ],
    [
      'login with a malformed cookie header',
      at('/login', {
        method: 'POST',
        headers: { ...FORM, cookie: '=;;=%zz; kw_csrf' },
        body: 'csrf_token=x',
      }),
    ],
    ['consent with random bytes', at('/consent', { method: 'POST', headers: FORM, body: randomBytes(1024) })],
    [
      'consent with a bad session cookie',
      at('/consent', {
        method: 'POST',
        headers: { ...FORM, cookie: `kw_session=${'%'.repeat(200)}` },
        body: 'decision=approve',
      }),
    ],
    ['GET login', at('/login')],
    // Token endpoint: bodies.
    ['token with random bytes', token(randomBytes(8192))],
    ['token with bad percent-encoding', token('grant_type=%zz&code=%&code_verifier=%E0%A4%A')],
    ['token with an empty body', token('')],
    ['token body over the limit', token(`a=${'x'.repeat(70 * 1024)}`)],
    ['token with XML', token('<xml/>', { 'content-type': 'application/xml' })],
    ['token with a broken content-type', token('grant_type=x', { 'content-type': ';;;' })],
    ['token with gzip claimed but not sent', token('grant_type=x', { ...FORM, 'content-encoding': 'gzip' })],
    [
      'token with a huge code',
      token(`grant_type=authorization_code&client_id=${clientId}&code=${'c'.repeat(4096)}&code_verifier=v`),
    ],
    [
      'token with a unicode verifier',
      token(
        `grant_type=authorization_code&client_id=${clientId}&code=c&code_verifier=${'%F0%9F%98%80'.repeat(43)}`,
      ),
    ],
    // Token endpoint: Authorization headers.
    ['Basic with bad base64', token('grant_type=x', { ...FORM, authorization: 'Basic ####' })],
    ['Basic without credentials', token('grant_type=x', { ...FORM, authorization: 'Basic' })],
    ['Basic with a space only', token('grant_type=x', { ...FORM, authorization: 'Basic  ' })],
    ['Basic without a colon', token('grant_type=x', { ...FORM, authorization: basic('justanid') })],
    ['Basic with bad percent-encoding', token('grant_type=x', { ...FORM, authorization: basic('%zz:%') })],
    [
      'Basic with invalid UTF-8',
      token('grant_type=x', { ...FORM, authorization: basic(Buffer.from([0xc3, 0x28, 0x3a, 0xff])) }),
    ],
    [
      'Basic with a 8 KB value',
      token('grant_type=x', { ...FORM, authorization: `Basic ${'A'.repeat(8000)}` }),
    ],
    ['Bearer instead of Basic', token('grant_type=x', { ...FORM, authorization: 'Bearer abc' })],
    ['unknown scheme', token('grant_type=x', { ...FORM, authorization: 'Digest username="x"' })],
    // Paths.
    ['bad percent-encoding in the path', at('/%zz')],
    ['dot segments', at('/assets/../../package.json')],
    ['encoded dot segments', at('/assets/%2e%2e/%2e%2e/package.json')],
    ['double slash', at('//authorize')],
    ['trailing slash', at('/authorize/')],
    ['well-known with a query', at('/.well-known/oauth-authorization-server?x=%zz')],
    ['PUT jwks', at('/jwks.json', { method: 'PUT', body: '{}' })],
    [
      'CSRF form posted to the token endpoint',
      async () => (await browser.post('/token', { csrf_token: 'x' })).status,
    ],
    // Raw HTTP that fetch would refuse to send.
    ['garbage request line', () => rawStatus(randomBytes(512))],
    [
      'header over 16 KB',
      () => rawStatus(`GET /authorize HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    ],
    [
      'non-numeric Content-Length',
      () => rawStatus('POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
    ],
    [
      'conflicting Content-Length and chunked',
      () =>
        rawStatus(
          'POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        ),
    ],
    [
      'bad chunk size',
      () =>
        rawStatus(
          `POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n`,
        ),
    ],
    [
      'control character in a header',
      () => rawStatus('GET /authorize HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n'),
    ],
    [
      'raw non-ASCII in the path',
      () =>
        rawStatus(
          Buffer.concat([
            Buffer.from('GET /authorize?client_id='),
            Buffer.from([0xff, 0xfe]),
            Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
          ]),
        ),
    ],
    [
      'absolute-form request target',
      () => rawStatus('GET http://evil.example/authorize HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ],
  ]
  // Every form endpoint, not only those of the code flow, gets the same three kinds of junk.
  const formEndpoints = Object.values(ENDPOINT_PATHS).filter((path) => !path.includes('.'))
  for (const path of [...formEndpoints, '/device/login', '/device/decide']) {
    const post = (headers: Record<string, string>, body: BodyInit) =>
      at(path, { method: 'POST', headers: { ...FORM, ...headers }, body })
    cases.push(
      [`${path}: random bytes`, post({}, randomBytes(2048))],
      [`${path}: bad Basic`, post({ authorization: basic('%zz') }, 'token=x&user_code=%zz&csrf_token=x')],
      [`${path}: repeated parameters`, post({}, 'token=a&token=b&user_code=x&user_code=y')],
    )
  }
  return cases
}

test('no malformed request gets a 5xx, and the server keeps serving', async () => {
  const cases = malformedRequests()
  assert.ok(cases.length >= 50)
  const answers: string[] = []
  for (const [name, send] of cases) {
    const status = await send()
    answers.push(`${name}: ${status}`)
    assert.ok(status === null || status < 500, `${name} → ${status}`)
  }
  const health = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
  assert.equal(health.status, 200)
  const errors = server.logs.filter((line) => JSON.parse(line).level >= 50)
  assert.deepEqual(errors, [], 'nothing was logged as a server error')
  // Most requests are answered rather than dropped.
  assert.ok(answers.filter((answer) => answer.endsWith(': null')).length <= 2, answers.join('\n'))
})
