import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { getCACertificates, setDefaultCACertificates } from 'node:tls'
import { ForbiddenUrlError, OutboundFetchError } from '../../src/core/ports/fetch.ts'
import { createOutboundFetch, type OutboundFetchOptions } from '../../src/net/outbound-fetch.ts'
import { type DocumentSite, startDocumentSite } from '../support/document-site.ts'

let site: DocumentSite
let now = 0
before(async () => {
  site = await startDocumentSite()
})
after(() => site.close())

/** The fetch as Keyward opens it, allowed to reach loopback (the development switch) and trusting the test site. */
function fetcher(overrides: Partial<OutboundFetchOptions> = {}) {
  return createOutboundFetch({
    allowPrivateAddresses: true,
    timeoutMs: 2000,
    maxBytes: 1024,
    maxRedirects: 2,
    cache: { minSeconds: 60, maxSeconds: 3600, maxEntries: 2 },
    now: () => now,
    ca: site.ca,
    ...overrides,
  })
}

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => assert.fail('expected a refusal'),
    (error: unknown) => error,
  )
  assert.ok(error instanceof OutboundFetchError, String(error))
  return error.message
}

test('a JSON document over https is fetched', async () => {
  site.json('/plain', { hello: 'world' })
  assert.deepEqual(await fetcher().json(site.url('/plain')), { hello: 'world' })
})

test('without the development switch, a name resolving to loopback and a loopback literal are refused', async () => {
  site.json('/loopback', { hello: 'world' })
  const strict = fetcher({ allowPrivateAddresses: false })
  assert.match(
    await refusal(strict.json(site.url('/loopback'))),
    /localhost resolves to an address that is not public/,
  )
  const port = new URL(site.origin).port
  for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]', '[::1]']) {
    assert.match(
      await refusal(strict.json(`https://${host}:${port}/loopback`)),
      /is not fetched: its host it is not a public address/,
    )
  }
  assert.equal(site.hits.get('/loopback'), undefined)
})

test('only https, and no credentials in the URL', async () => {
  assert.match(
    await refusal(fetcher().json(`http://localhost:${new URL(site.origin).port}/plain`)),
    /only https URLs/,
  )
  assert.match(
    await refusal(fetcher().json(`https://user:pw@localhost:${new URL(site.origin).port}/plain`)),
    /credentials/,
  )
  assert.match(await refusal(fetcher().json('not a url')), /not a URL/)
})

test('redirects are followed up to the limit, each location checked again', async () => {
  site.route('/hop1', (_request, response) => response.writeHead(302, { location: '/hop2' }).end())
  site.route('/hop2', (_request, response) => response.writeHead(307, { location: site.url('/plain') }).end())
  site.json('/plain', { hello: 'world' })
  assert.deepEqual(await fetcher().json(site.url('/hop1')), { hello: 'world' })
  site.route('/hop0', (_request, response) => response.writeHead(301, { location: '/hop1' }).end())
  assert.match(await refusal(fetcher().json(site.url('/hop0'))), /more than 2 redirects/)
  site.route('/to-http', (_request, response) =>
    response.writeHead(302, { location: `http://localhost:${new URL(site.origin).port}/plain` }).end(),
  )
  assert.match(await refusal(fetcher().json(site.url('/to-http'))), /only https URLs/)
  site.route('/to-metadata', (_request, response) =>
    response.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data' }).end(),
  )
  assert.match(await refusal(fetcher().json(site.url('/to-metadata'))), /linkLocal/)
  // Where a specification forbids redirects, a redirect is an error, and the cache never answers with a
  // document that was reached through one.
  const fetch = fetcher()
  assert.deepEqual(await fetch.json(site.url('/hop2')), { hello: 'world' })
  assert.match(
    await refusal(fetch.json(site.url('/hop2'), { followRedirects: false })),
    /answered a redirect, which is not followed/,
  )
})

test('an oversized document is abandoned, declared or streamed', async () => {
  site.json('/big', { padding: 'x'.repeat(2000) })
  assert.match(await refusal(fetcher().json(site.url('/big'))), /larger than 1024 bytes/)
  site.route('/big-stream', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write(`{"padding":"${'x'.repeat(800)}`)
    response.write(`${'x'.repeat(800)}"}`)
    response.end()
  })
  assert.match(await refusal(fetcher().json(site.url('/big-stream'))), /larger than 1024 bytes/)
})

test('a slow document is abandoned at the time limit', async () => {
  site.route('/slow', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"never":') // and never ends
  })
  assert.match(
    await refusal(fetcher({ timeoutMs: 300 }).json(site.url('/slow'))),
    /did not answer within 300 ms/,
  )
})

test('only JSON where JSON is expected, and only a 200', async () => {
  site.route('/html', (_request, response) =>
    response.writeHead(200, { 'content-type': 'text/html' }).end('{}'),
  )
  assert.match(await refusal(fetcher().json(site.url('/html'))), /did not answer with JSON/)
  site.route('/jwks-type', (_request, response) =>
    response.writeHead(200, { 'content-type': 'application/jwk-set+json; charset=utf-8' }).end('{"keys":[]}'),
  )
  assert.deepEqual(await fetcher().json(site.url('/jwks-type')), { keys: [] })
  site.route('/broken', (_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"a":'),
  )
  assert.match(await refusal(fetcher().json(site.url('/broken'))), /malformed JSON/)
  assert.match(await refusal(fetcher().json(site.url('/missing'))), /answered 404/)
})

test('the cache honours max-age within its bounds, no-store, refresh at most once per minimum age, and its size', async () => {
  const fetch = fetcher()
  now = 0
  site.json('/cached', { version: 1 }, { 'cache-control': 'max-age=120' })
  assert.deepEqual(await fetch.json(site.url('/cached')), { version: 1 })
  site.json('/cached', { version: 2 }, { 'cache-control': 'max-age=120' })
  now = 119_000
  assert.deepEqual(await fetch.json(site.url('/cached')), { version: 1 })
  now = 120_000
  assert.deepEqual(await fetch.json(site.url('/cached')), { version: 2 })
  // A refresh within the minimum age (60 s) is answered from the cache; after it, fetched.
  site.json('/cached', { version: 3 })
  now = 150_000
  assert.deepEqual(await fetch.json(site.url('/cached'), { refresh: true }), { version: 2 })
  now = 180_000
  assert.deepEqual(await fetch.json(site.url('/cached'), { refresh: true }), { version: 3 })

  site.json('/no-store', { version: 1 }, { 'cache-control': 'no-store' })
  await fetch.json(site.url('/no-store'))
  await fetch.json(site.url('/no-store'))
  assert.equal(site.hits.get('/no-store'), 2)

  // max-age=0 is raised to the minimum; max-age beyond the maximum is cut to it.
  site.json('/short', { version: 1 }, { 'cache-control': 'max-age=0' })
  now = 1_000_000
  await fetch.json(site.url('/short'))
  now = 1_059_000
  await fetch.json(site.url('/short'))
  assert.equal(site.hits.get('/short'), 1)

  // Two entries at most: a third pushes out the least recently used.
  site.json('/a', {}, { 'cache-control': 'max-age=3600' })
  site.json('/b', {}, { 'cache-control': 'max-age=3600' })
  site.json('/c', {}, { 'cache-control': 'max-age=3600' })
  for (const path of ['/a', '/b', '/a', '/c', '/a', '/b']) await fetch.json(site.url(path))
  assert.deepEqual([site.hits.get('/a'), site.hits.get('/b'), site.hits.get('/c')], [1, 2, 1])
})

test('requests for a document already on its way share its one fetch', async () => {
  site.json('/shared', { shared: true }, { 'cache-control': 'no-store' })
  const fetch = fetcher()
  const answers = await Promise.all([1, 2, 3].map(() => fetch.json(site.url('/shared'))))
  assert.deepEqual(answers, [{ shared: true }, { shared: true }, { shared: true }])
  assert.equal(site.hits.get('/shared'), 1)
})

test('a POST with a form body goes under the same rules and follows no redirect', async () => {
  site.route('/logout', (request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () =>
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${request.method} ${body}`),
    )
  })
  const answer = await fetcher().request(site.url('/logout'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'logout_token=abc',
  })
  assert.equal(answer.status, 200)
  assert.equal(answer.body, 'got POST logout_token=abc')
  site.route('/moved', (_request, response) => response.writeHead(307, { location: '/logout' }).end())
  const moved = await fetcher().request(site.url('/moved'), { method: 'POST', body: 'x=1' })
  assert.equal(moved.status, 307)
  assert.match(
    await refusal(
      fetcher({ allowPrivateAddresses: false }).request(site.url('/logout'), { method: 'POST', body: '' }),
    ),
    /not public/,
  )
})

test('a URL a rule forbids is a ForbiddenUrlError; one that cannot be reached is not', async () => {
  const forbidden = fetcher({ allowPrivateAddresses: false })
  const post = { method: 'POST', body: '' } as const
  for (const url of [
    site.url('/logout'),
    'http://rp.example/logout',
    'https://u:p@rp.example/',
    'not a url',
  ]) {
    await assert.rejects(forbidden.request(url, post), ForbiddenUrlError, url)
  }
  const unreachable = await fetcher()
    .request('https://127.0.0.1:1/logout', post)
    .catch((error: unknown) => error)
  assert.ok(unreachable instanceof OutboundFetchError && !(unreachable instanceof ForbiddenUrlError))
})

test("a caller's signal abandons a request before the deadline", async () => {
  let arrived: () => void = () => {}
  const held = new Promise<void>((resolve) => (arrived = resolve))
  site.route('/held', () => arrived())
  const stop = new AbortController()
  const request = fetcher({ timeoutMs: 60_000 }).request(site.url('/held'), {
    method: 'POST',
    signal: stop.signal,
  })
  await held
  stop.abort()
  assert.match(await refusal(request), /could not be reached/)
})

test("authorities given by code are trusted besides Node's own, not instead of them", async () => {
  const other = await startDocumentSite()
  const defaults = getCACertificates('default')
  // The second site's authority is one of Node's own for this test, as NODE_EXTRA_CA_CERTS would make it.
  setDefaultCACertificates([...defaults, other.ca])
  try {
    other.json('/other', { other: true })
    site.json('/mine', { mine: true })
    const fetch = fetcher()
    assert.deepEqual(await fetch.json(other.url('/other')), { other: true })
    assert.deepEqual(await fetch.json(site.url('/mine')), { mine: true })
  } finally {
    setDefaultCACertificates(defaults)
    await other.close()
  }
})
