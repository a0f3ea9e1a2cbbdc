import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CLIENT_AUTH_POLICY } from '../../../src/core/client-auth/authenticate.ts'
import { SIGN_IN_PAIR_POLICY } from '../../../src/core/sign-in.ts'
import { serviceClient } from '../../support/fixtures.ts'
import { followAuthorization, formOn, grantTokens, newBrowser } from '../../support/flow.ts'
import {
  authentication,
  basicAuthorization,
  clientCredentials,
  postToken,
  refresh,
} from '../../support/oauth-client.ts'
import { freePort } from '../../support/ports.ts'
import { sample, scrape as scrapeAt } from '../../support/prometheus.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { fetchFrom } from '../../support/source-address.ts'

describe('/metrics on the metrics port', () => {
  let server: TestServer
  let metricsUrl: string
  const scrape = () => scrapeAt(metricsUrl)
  before(async () => {
    server = await startTestServer({ metricsPort: await freePort() })
    metricsUrl = server.metricsUrl ?? assert.fail('no metrics listener')
  })
  after(() => server.close())

  test('is served on its own port, never on the public listener', async () => {
    assert.notEqual(new URL(metricsUrl).port, new URL(server.issuer).port)
    assert.equal((await fetch(`${server.issuer}/metrics`)).status, 404)
    assert.equal((await fetch(new URL('/', metricsUrl))).status, 404)
  })

  test('a token request counts its request, its latency, its token by grant and format', async () => {
    const jwt = await serviceClient(server)
    const opaque = await serviceClient(server, { name: 'Opaque job', accessTokenFormat: 'opaque' })
    const before = await scrape()
    const route = 'route="/token",method="POST",status="200"'
    assert.equal((await clientCredentials(server, jwt)).status, 200)
    assert.equal((await clientCredentials(server, opaque)).status, 200)
    assert.equal((await clientCredentials(server, opaque)).status, 200)
    const after = await scrape()
    const grown = (series: string) => sample(after, series) - sample(before, series)
    assert.equal(grown(`keyward_http_request_duration_seconds_count{${route}}`), 3)
    assert.equal(grown(`keyward_http_request_duration_seconds_bucket{le="+Inf",${route}}`), 3)
    assert.ok(sample(after, `keyward_http_request_duration_seconds_sum{${route}}`) > 0)
    assert.equal(grown('keyward_tokens_issued_total{grant_type="client_credentials",format="jwt"}'), 1)
    assert.equal(grown('keyward_tokens_issued_total{grant_type="client_credentials",format="opaque"}'), 2)
  })

  test('refused requests count by status, unknown paths under one route, security events by name', async () => {
    const before = await scrape()
    const wrong = await postToken(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization('nobody', 'wrong') },
    )
    assert.equal(wrong.status, 401)
    assert.equal((await fetch(`${server.issuer}/no/such/path/unrouted-marker`)).status, 404)
    const after = await scrape()
    const grown = (series: string) => sample(after, series) - sample(before, series)
    assert.equal(
      grown('keyward_http_request_duration_seconds_count{route="/token",method="POST",status="401"}'),
      1,
    )
    assert.equal(
      grown('keyward_http_request_duration_seconds_count{route="unmatched",method="GET",status="404"}'),
      1,
    )
    // A letters-only marker: digits could turn up in any metric's value by chance.
    assert.doesNotMatch(after, /unrouted-marker/)
    assert.equal(grown('keyward_security_events_total{event="client_authentication_failed"}'), 1)
  })

  test('a refresh token used twice counts as reuse, after the code and the first refresh counted as tokens', async () => {
    const app = await server.client({})
    const before = await scrape()
    const first = await grantTokens(server, app, await server.user())
    assert.equal((await refresh(server, app, first.refreshToken)).status, 200)
    assert.equal((await refresh(server, app, first.refreshToken)).status, 400)
    const after = await scrape()
    const grown = (series: string) => sample(after, series) - sample(before, series)
    assert.equal(grown('keyward_tokens_issued_total{grant_type="authorization_code",format="jwt"}'), 1)
    assert.equal(grown('keyward_tokens_issued_total{grant_type="refresh_token",format="jwt"}'), 1)
    assert.equal(grown('keyward_security_events_total{event="refresh_token_reused"}'), 1)
  })

  test('implicit access tokens count, from the authorization response: in the fragment and posted', async () => {
    const legacy = await server.client({
      type: 'public',
      grantTypes: ['implicit'],
      allowLegacy: ['implicit'],
      accessTokenFormat: 'opaque',
    })
    const request = (mode: Record<string, string>) =>
      `${server.issuer}/authorize?${new URLSearchParams({
        response_type: 'token',
        client_id: legacy.client.id,
        redirect_uri: legacy.client.redirectUris[0] ?? '',
        scope: 'read',
        state: 'st',
        ...mode,
      })}`
    const before = await scrape()
    const browser = newBrowser(server.issuer)
    const landed = await followAuthorization(browser, request({}), { user: await server.user() })
    assert.ok(new URLSearchParams(landed.hash.slice(1)).get('access_token'))
    // Signed in and consented already: the answer is the page that posts the token to the client.
    const posted = await browser.get(request({ response_mode: 'form_post' }))
    assert.ok(formOn(posted.body)?.fields.access_token)
    const after = await scrape()
    const grown = (series: string) => sample(after, series) - sample(before, series)
    assert.equal(grown('keyward_tokens_issued_total{grant_type="implicit",format="opaque"}'), 2)
  })

  test('throttle hits count by name: a client secret guessed, a password guessed', async () => {
    const before = await scrape()
    const service = await serviceClient(server)
    const guesser = fetchFrom('127.0.0.20')
    const wrongSecret = { authorization: basicAuthorization(service.client.id, 'wrong') }
    for (let guess = 0; guess < CLIENT_AUTH_POLICY.limit; guess++) {
      assert.equal(
        (await postToken(server, { grant_type: 'client_credentials' }, wrongSecret, guesser)).status,
        401,
      )
    }
    assert.equal(
      (await postToken(server, { grant_type: 'client_credentials' }, wrongSecret, guesser)).status,
      429,
    )

    const legacy = await server.client({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
    const user = await server.user()
    const guess = { grant_type: 'password', username: user.username, password: 'a guess' }
    const { headers } = authentication(legacy)
    for (let attempt = 0; attempt < SIGN_IN_PAIR_POLICY.limit; attempt++) {
      assert.equal((await postToken(server, guess, headers)).status, 400)
    }
    assert.equal((await postToken(server, guess, headers)).status, 429)

    const after = await scrape()
    const grown = (series: string) => sample(after, series) - sample(before, series)
    assert.equal(grown('keyward_security_events_total{event="client_authentication_throttled"}'), 1)
    assert.equal(grown('keyward_security_events_total{event="sign_in_throttled"}'), 1)
    assert.equal(
      grown('keyward_http_request_duration_seconds_count{route="/token",method="POST",status="429"}'),
      2,
    )
  })

  test("Node's own metrics are there: event-loop lag, heap, GC", async () => {
    const text = await scrape()
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
    ]) {
      assert.match(text, new RegExp(`^${name} `, 'm'))
    }
  })
})

describe('without a metrics port', async () => {
  const server = await startTestServer()
  after(() => server.close())

  test('nothing is counted or served', async () => {
    assert.equal(server.metricsUrl, undefined)
    assert.equal((await fetch(`${server.issuer}/metrics`)).status, 404)
  })
})
