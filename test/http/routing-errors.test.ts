import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { isRfc6749Body } from '../support/rfc6749.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

/** Requests no route takes are answered as the caller reads: a page for a browser, RFC 6749 JSON otherwise. */
async function assertAnswer(response: Response, status: number, shape: 'json' | 'html', what: string) {
  assert.equal(response.status, status, what)
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what)
  const body = Buffer.from(await response.arrayBuffer())
  if (shape === 'html') {
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/, what)
    assert.match(body.toString(), /^<!doctype html>/, what)
  } else {
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, what)
    assert.ok(isRfc6749Body(body), `${what}: ${body.toString()}`)
  }
}

const send = (path: string, method: string, headers: Record<string, string> = {}) =>
  fetch(`${server.issuer}${path}`, { method, headers, redirect: 'manual' })

test('RFC 9110 §15.5.6: a method the path does not take is 405 with Allow', async () => {
  for (const [path, method, allow] of [
    ['/authorize', 'DELETE', 'GET, HEAD, POST'],
    ['/token', 'GET', 'POST, OPTIONS'],
    ['/token', 'PUT', 'POST, OPTIONS'],
    ['/jwks.json', 'POST', 'GET, HEAD, OPTIONS'],
    ['/login', 'DELETE', 'GET, HEAD, POST'],
  ] as const) {
    const json = await send(path, method)
    assert.equal(json.headers.get('allow'), allow, `${method} ${path}`)
    await assertAnswer(json, 405, 'json', `${method} ${path}`)
    await assertAnswer(await send(path, method, HTML), 405, 'html', `${method} ${path} from a browser`)
  }
})

test('an unknown path is 404, a page for a browser whatever the method', async () => {
  for (const method of ['GET', 'POST', 'DELETE']) {
    await assertAnswer(await send('/nowhere', method), 404, 'json', `${method} /nowhere`)
    await assertAnswer(await send('/nowhere', method, HTML), 404, 'html', `${method} /nowhere from a browser`)
  }
})

test('a URL that cannot be decoded is 400, a page for a browser', async () => {
  await assertAnswer(await send('/%zz', 'GET'), 400, 'json', 'GET /%zz')
  await assertAnswer(await send('/%zz', 'GET', HTML), 400, 'html', 'GET /%zz from a browser')
  await assertAnswer(await send('/device%E0%A4%A', 'POST', HTML), 400, 'html', 'POST from a browser')
})

test('a body that cannot be read on a path no route takes is answered as the caller reads too', async () => {
  const post = (path: string, headers: Record<string, string>, body: string) =>
    fetch(`${server.issuer}${path}`, { method: 'POST', headers, body })
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  await assertAnswer(
    await post('/login/', { ...form, ...HTML }, 'a=1&a=2'),
    400,
    'html',
    'repeated parameter',
  )
  await assertAnswer(await post('/login/', form, 'a=1&a=2'), 400, 'json', 'repeated parameter, no HTML')
  const broken = { 'content-type': ';;;' }
  await assertAnswer(await post('/nowhere', { ...broken, ...HTML }, 'x'), 400, 'html', 'broken content-type')
})
