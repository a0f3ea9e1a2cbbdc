import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { TooManyRequests } from '../../src/core/errors.ts'
import { registerErrorHandling, registerPageErrorHandling } from '../../src/http/errors.ts'
import { isRfc6749Body } from '../support/rfc6749.ts'

// The sign-in and user-code pages answer their waits as 429 pages too: test/http/throttle/sign-in.test.ts and
// test/http/device/verification-pages.test.ts drive them through the real throttle.

/** RFC 6585 §4 with RFC 9110 §10.2.3: 429 and a Retry-After in whole seconds, never cached. */
function assertTooManyRequests(response: Response, what: string): number {
  assert.equal(response.status, 429, what)
  const retryAfter = Number(response.headers.get('retry-after'))
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `${what}: Retry-After ${retryAfter}`)
  assert.equal(response.headers.get('cache-control'), 'no-store', what)
  return retryAfter
}

describe('TooManyRequests from any route', () => {
  let app: FastifyInstance
  let base: string
  before(async () => {
    app = Fastify()
    registerErrorHandling(app, '')
    app.post('/api', () => {
      throw new TooManyRequests('Too many attempts for this client.', 90.2)
    })
    await app.register(async (pages) => {
      registerPageErrorHandling(pages, { basePath: '' })
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
