import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { TooManyRequests } from '../../src/core/errors.ts'
import { registerErrorHandling, registerPageErrorHandling } from '../../src/http/errors.ts'
import { isRfc6749Body } from '../support/rfc6749.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

/** RFC 6585 §4 with RFC 9110 §10.2.3: 429 and a Retry-After in whole seconds, never cached. */
function assertTooManyRequests(response: Response, what: string): number {
  assert.equal(response.status, 429, what)
  const retryAfter = Number(response.headers.get('retry-after'))
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `${what}: Retry-After ${retryAfter}`)
  assert.equal(response.headers.get('cache-control'), 'no-store', what)
  return retryAfter
}

describe('the login and device pages past their rate limit', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  for (const path of ['/login', '/device', '/device/login']) {
    test(`${path}: 429 with a page that says how long to wait`, async () => {
      const post = () =>
        fetch(`${server.issuer}${path}`, {
          method: 'POST',
          headers: { accept: 'text/html' },
          body: new URLSearchParams({ csrf_token: 'x' }),
        })
      // The limit is 20 a minute per address; the 21st attempt is refused before the form is read.
      for (let attempt = 0; attempt < 20; attempt++) assert.equal((await post()).status, 400)
      const refused = await post()
      const retryAfter = assertTooManyRequests(refused, path)
      assert.ok(retryAfter <= 60, `${retryAfter} s is within the one-minute window`)
      assert.match(refused.headers.get('content-type') ?? '', /^text\/html/)
      assert.equal(refused.headers.get('x-content-type-options'), 'nosniff')
      const page = await refused.text()
      assert.match(page, /<h1>Too many attempts<\/h1>/)
      assert.match(page, /Wait (\d+ seconds|1 minute) before you try again\./)
      assert.match(page, /temporarily_unavailable/)
    })
  }
})

describe('TooManyRequests from any route', () => {
  let app: FastifyInstance
  let base: string
  before(async () => {
    app = Fastify()
    registerErrorHandling(app)
    app.post('/api', () => {
      throw new TooManyRequests('Too many attempts for this client.', 90.2)
    })
    await app.register(async (pages) => {
      registerPageErrorHandling(pages)
      pages.post('/page', () => {
        throw new TooManyRequests('Too many sign-in attempts.', 42)
      })
    })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => app.close())

  test('an API route answers RFC 6749 JSON with Retry-After', async () => {
    const response = await fetch(`${base}/api`, { method: 'POST' })
    assert.equal(assertTooManyRequests(response, 'api'), 91)
    const body = Buffer.from(await response.arrayBuffer())
    assert.ok(isRfc6749Body(body))
    assert.deepEqual(JSON.parse(body.toString()), {
      error: 'temporarily_unavailable',
      error_description: 'Too many attempts for this client.',
    })
  })

  test('a page answers HTML that says how long to wait', async () => {
    const response = await fetch(`${base}/page`, { method: 'POST' })
    assert.equal(assertTooManyRequests(response, 'page'), 42)
    const page = await response.text()
    assert.match(page, /Too many sign-in attempts\./)
    assert.match(page, /Wait 42 seconds before you try again\./)
  })
})
