import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { isRfc6749Body } from '../support/rfc6749.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const ORIGIN = 'https://app.example'

/** The endpoints a browser-based client calls itself (RFC 9700 §2.6, RFC 7009 §2.3), with their method. */
const CORS_ENDPOINTS = [
  ['/token', 'POST'],
  ['/revoke', 'POST'],
  ['/device_authorization', 'POST'],
  // RFC 9126 §2.1: a public client pushes as it calls /token.
  ['/par', 'POST'],
  ['/.well-known/oauth-authorization-server', 'GET'],
  ['/jwks.json', 'GET'],
] as const

const PAGES = ['/authorize', '/login', '/consent', '/device', '/device/login', '/device/decide']

const preflight = (path: string, headers: Record<string, string>) =>
  fetch(`${server.issuer}${path}`, { method: 'OPTIONS', headers })

async function assertErrorBody(response: Response, status: number, what: string): Promise<void> {
  assert.equal(response.status, status, what)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, what)
  const body = Buffer.from(await response.arrayBuffer())
  assert.ok(isRfc6749Body(body), `${what}: ${body.toString()}`)
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what)
}

describe('CORS where a browser app calls Keyward itself', () => {
  for (const [path, method] of CORS_ENDPOINTS) {
    test(`${method} ${path}: a preflight from any origin is allowed`, async () => {
      const response = await preflight(path, {
        origin: ORIGIN,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type',
      })
      assert.equal(response.status, 204)
      assert.equal(response.headers.get('access-control-allow-origin'), '*')
      assert.match(response.headers.get('access-control-allow-methods') ?? '', new RegExp(method))
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase()
      assert.match(allowed, /authorization/)
      assert.match(allowed, /content-type/)
      assert.ok(Number(response.headers.get('access-control-max-age')) > 0)
    })
  }

  test('answers, errors included, can be read from any origin', async () => {
    const token = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { origin: ORIGIN },
      body: new URLSearchParams({ grant_type: 'nonsense' }),
    })
    assert.equal(token.status, 401, 'invalid_client: no client authentication')
    assert.equal(token.headers.get('access-control-allow-origin'), '*')
    const metadata = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`, {
      headers: { origin: ORIGIN },
    })
    assert.equal(metadata.headers.get('access-control-allow-origin'), '*')
  })

  test('the HEAD twin of a GET endpoint and the registration endpoints, in a context of their own, too', async () => {
    const head = await fetch(`${server.issuer}/jwks.json`, { method: 'HEAD', headers: { origin: ORIGIN } })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('access-control-allow-origin'), '*')
    for (const [method, path] of [
      ['POST', '/register'],
      ['GET', '/register/unknown'],
    ] as const) {
      const response = await fetch(`${server.issuer}${path}`, { method, headers: { origin: ORIGIN } })
      assert.equal(response.headers.get('access-control-allow-origin'), '*', `${method} ${path}`)
      assert.equal(response.headers.get('access-control-expose-headers'), 'DPoP-Nonce, WWW-Authenticate')
    }
  })

  test('a preflight without Origin or Access-Control-Request-Method, or for another method, is invalid_request', async () => {
    await assertErrorBody(await preflight('/token', {}), 400, 'no headers')
    await assertErrorBody(await preflight('/token', { origin: ORIGIN }), 400, 'no method')
    await assertErrorBody(
      await preflight('/token', { 'access-control-request-method': 'POST' }),
      400,
      'no origin',
    )
    await assertErrorBody(
      await preflight('/token', { origin: ORIGIN, 'access-control-request-method': 'DELETE' }),
      400,
      'DELETE',
    )
  })
})

describe('no CORS anywhere else', () => {
  const crossOrigin = { origin: ORIGIN, 'access-control-request-method': 'POST' }

  test('introspection is for resource servers (RFC 7662), not browsers', async () => {
    const response = await preflight('/introspect', crossOrigin)
    await assertErrorBody(response, 405, 'OPTIONS /introspect')
    assert.equal(response.headers.get('allow'), 'POST')
    assert.equal(response.headers.get('access-control-allow-origin'), null)
    const post = await fetch(`${server.issuer}/introspect`, { method: 'POST', headers: { origin: ORIGIN } })
    assert.equal(post.headers.get('access-control-allow-origin'), null)
  })

  for (const path of PAGES) {
    test(`OPTIONS ${path}: 405 with the error body, never CORS headers`, async () => {
      const json = await preflight(path, crossOrigin)
      await assertErrorBody(json, 405, path)
      assert.match(json.headers.get('allow') ?? '', /POST/)
      assert.equal(json.headers.get('access-control-allow-origin'), null)
      const page = await preflight(path, { ...crossOrigin, accept: 'text/html' })
      assert.equal(page.status, 405)
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
      assert.match(await page.text(), /^<!doctype html>/)
      assert.equal(page.headers.get('access-control-allow-origin'), null)
    })
  }

  test('RFC 9700 §2.6: the authorization endpoint never answers with CORS headers', async () => {
    const response = await fetch(`${server.issuer}/authorize?client_id=x`, { headers: { origin: ORIGIN } })
    assert.equal(response.headers.get('access-control-allow-origin'), null)
  })

  test('OPTIONS on an unknown path: 404 with the error body, no CORS', async () => {
    const response = await preflight('/nowhere', crossOrigin)
    await assertErrorBody(response, 404, '/nowhere')
    assert.equal(response.headers.get('access-control-allow-origin'), null)
  })
})
