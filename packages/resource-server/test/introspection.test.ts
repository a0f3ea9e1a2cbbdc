import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import {
  createVerifier,
  InsufficientScopeError,
  InvalidTokenError,
  IssuerError,
  type VerifierOptions,
  verifyAccessToken,
} from '../src/index.ts'
import { basicCredentials } from '../src/introspection.ts'
import { testClock } from '../../../test/support/clock.ts'
import * as fake from './fake-issuer.ts'

test('RFC 6749 §2.3.1: client id and secret are form-encoded before base64', () => {
  assert.equal(basicCredentials('a:b', 'c d+é'), `Basic ${btoa('a%3Ab:c+d%2B%C3%A9')}`)
})

describe('verifyAccessToken with opaque tokens (RFC 7662 introspection)', () => {
  let as: fake.FakeIssuer
  const clock = testClock(new Date('2030-01-01T00:00:00Z'))
  const verifier = (options: Partial<VerifierOptions> = {}) =>
    createVerifier({
      issuer: as.issuer,
      audience: fake.AUDIENCE,
      clock,
      introspection: fake.RESOURCE_SERVER,
      ...options,
    })
  const activeAnswer = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    active: true,
    token_type: 'Bearer',
    ...fake.accessTokenClaims(as.issuer, clock.now()),
    ...overrides,
  })
  const invalid = (description: RegExp) => (error: unknown) =>
    error instanceof InvalidTokenError && description.test(error.description)

  before(async () => {
    as = await fake.startIssuer()
  })
  beforeEach(() => as.introspection.clear())
  after(() => as.close())

  test('an active token is accepted, with the endpoint discovered from metadata', async () => {
    const answer = activeAnswer()
    as.introspection.set('opaque-1', answer)
    const result = await verifyAccessToken('opaque-1', verifier(), ['orders:read'])
    assert.equal(result.subject, 'user-1')
    assert.equal(result.clientId, 'client-1')
    assert.deepEqual(result.scopes, ['orders:read', 'profile'])
    assert.deepEqual(result.audience, [fake.AUDIENCE])
    assert.deepEqual(result.expiresAt, new Date((answer.exp as number) * 1000))
    assert.deepEqual(result.claims, answer)
  })

  test('active: false is invalid_token', async () => {
    as.introspection.set('opaque-2', { active: false })
    await assert.rejects(verifyAccessToken('opaque-2', verifier()), invalid(/not active/))
    await assert.rejects(verifyAccessToken('never-issued', verifier()), invalid(/not active/))
  })

  test('iss, aud, exp and scope are checked as for a JWT', async () => {
    as.introspection.set('other-iss', activeAnswer({ iss: 'https://evil.example' }))
    as.introspection.set('other-aud', activeAnswer({ aud: ['https://other.example'] }))
    as.introspection.set('no-aud', activeAnswer({ aud: undefined }))
    as.introspection.set('expired', activeAnswer({ exp: clock.now().getTime() / 1000 - 60 }))
    as.introspection.set('narrow', activeAnswer({ scope: 'profile' }))
    const v = verifier()
    await assert.rejects(verifyAccessToken('other-iss', v), invalid(/another issuer/))
    await assert.rejects(verifyAccessToken('other-aud', v), invalid(/not meant/))
    await assert.rejects(verifyAccessToken('no-aud', v), invalid(/aud claim is missing/))
    await assert.rejects(verifyAccessToken('expired', v), invalid(/expired/))
    await assert.rejects(verifyAccessToken('narrow', v, ['orders:read']), InsufficientScopeError)
  })

  test('an active refresh token is not an access token', async () => {
    as.introspection.set('refresh', activeAnswer({ token_type: 'refresh_token' }))
    await assert.rejects(verifyAccessToken('refresh', verifier()), invalid(/not an access token/))
  })

  test('bad client credentials at the introspection endpoint are a clear IssuerError', async () => {
    as.introspection.set('opaque-3', activeAnswer())
    const v = verifier({ introspection: { ...fake.RESOURCE_SERVER, clientSecret: 'wrong' } })
    await assert.rejects(verifyAccessToken('opaque-3', v), (error: unknown) => {
      assert.ok(error instanceof IssuerError)
      assert.match(error.message, /rejected the client credentials of api:orders \(HTTP 401\)/)
      return true
    })
  })

  test('an unreachable introspection endpoint is an IssuerError', async () => {
    const endpoint = `${await fake.closedPortUrl()}/introspect`
    const v = verifier({ introspection: { ...fake.RESOURCE_SERVER, endpoint } })
    await assert.rejects(verifyAccessToken('opaque-4', v), /could not reach the introspection endpoint/)
  })

  test('without introspection credentials an opaque token is invalid_token, and nothing is asked', async () => {
    const hits = as.hits.introspection
    const v = createVerifier({ issuer: as.issuer, audience: fake.AUDIENCE, clock })
    await assert.rejects(verifyAccessToken('opaque-5', v), invalid(/not a JWT access token/))
    assert.equal(as.hits.introspection, hits)
  })

  test("introspect: 'always' sends JWTs to introspection too, without fetching the JWKS", async () => {
    const jwt = await fake.sign(await fake.createKey('k1'), fake.accessTokenClaims(as.issuer, clock.now()))
    as.introspection.set(jwt, activeAnswer({ sub: 'user-from-introspection' }))
    const jwksHits = as.hits.jwks
    const result = await verifyAccessToken(jwt, verifier({ introspect: 'always' }))
    assert.equal(result.subject, 'user-from-introspection')
    assert.equal(as.hits.jwks, jwksHits)
  })

  test('positive answers are cached only when asked, and not beyond the ttl', async () => {
    as.introspection.set('opaque-6', activeAnswer())
    const uncached = verifier()
    let hits = as.hits.introspection
    await verifyAccessToken('opaque-6', uncached)
    await verifyAccessToken('opaque-6', uncached)
    assert.equal(as.hits.introspection, hits + 2, 'no cache by default')

    const cached = verifier({ introspectionCacheTtl: 60 })
    hits = as.hits.introspection
    await verifyAccessToken('opaque-6', cached)
    as.introspection.set('opaque-6', { active: false })
    clock.advance(59)
    assert.equal((await verifyAccessToken('opaque-6', cached)).subject, 'user-1')
    assert.equal(as.hits.introspection, hits + 1)
    clock.advance(2)
    await assert.rejects(verifyAccessToken('opaque-6', cached), invalid(/not active/))
    assert.equal(as.hits.introspection, hits + 2)
    await assert.rejects(verifyAccessToken('opaque-6', cached), invalid(/not active/))
    assert.equal(as.hits.introspection, hits + 3, 'negative answers are never cached')
  })
})
