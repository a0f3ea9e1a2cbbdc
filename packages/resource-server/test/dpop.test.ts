import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import Fastify from 'fastify'
import { type DpopKey, dpopKey, dpopProof } from '../../../test/support/dpop.ts'
import {
  type BearerRequest,
  createVerifier,
  DpopRequiredError,
  type FastifyRequestLike,
  guard,
  type GuardResult,
  requireScopeFastify,
  type Verifier,
  verifyAccessToken,
} from '../src/index.ts'
import * as fake from './fake-issuer.ts'

// RFC 9449 §7 in the resource server: a DPoP-bound token (cnf.jkt) is accepted only as Authorization: DPoP,
// with a proof by its key for this request and this token; every refusal carries a DPoP challenge.

const HOST = 'api.example.test'
const ORDERS = `https://${HOST}/orders`

let as: fake.FakeIssuer
let signingKey: fake.TestKey
let key: DpopKey
let otherKey: DpopKey
before(async () => {
  as = await fake.startIssuer()
  signingKey = await fake.createKey('k1')
  as.publish([signingKey])
  key = await dpopKey()
  otherKey = await dpopKey()
})
after(() => as.close())

const verifierWith = (options: Partial<Parameters<typeof createVerifier>[0]> = {}) =>
  createVerifier({
    issuer: as.issuer,
    audience: fake.AUDIENCE,
    realm: 'orders',
    introspection: fake.RESOURCE_SERVER,
    ...options,
  })

/** A JWT access token bound to `to` (cnf.jkt), or a bearer token. */
const jwt = (to?: DpopKey) =>
  fake.sign(signingKey, {
    ...fake.accessTokenClaims(as.issuer, new Date()),
    ...(to === undefined ? {} : { cnf: { jkt: to.jkt } }),
  })

/** A GET of /orders as the framework adapters hand it to the guard. */
function ordersRequest(authorization: string, dpop?: string): BearerRequest {
  return { authorization, url: '/orders?page=2', dpop, method: 'GET', host: HOST }
}

const proofFor = (token: string, by: DpopKey = key, overrides: { htm?: string; htu?: string } = {}) =>
  dpopProof(by, { htm: 'GET', htu: ORDERS, accessToken: token, ...overrides })

/** A refusal: its status, error code and the scheme of its challenge. */
function refusal(result: GuardResult): { status: number; challenge: string; error: string } {
  assert.ok(!result.ok, 'the request must be refused')
  const { status, headers, body } = result.response
  return {
    status,
    challenge: headers['www-authenticate'] ?? '',
    error: String((JSON.parse(body) as { error: string }).error),
  }
}

function assertDpopRefusal(result: GuardResult, error: string): void {
  const refused = refusal(result)
  assert.equal(refused.status, 401)
  assert.equal(refused.error, error)
  assert.match(
    refused.challenge,
    new RegExp(`^DPoP algs="ES256 ES384 PS256 RS256 EdDSA", realm="orders", error="${error}"`),
  )
}

describe('DPoP-bound tokens in the resource server (RFC 9449 §7)', () => {
  let verifier: Verifier
  before(() => {
    verifier = verifierWith()
  })

  test('Authorization: DPoP with a proof of the key for this request is accepted', async () => {
    const token = await jwt(key)
    const result = await guard(verifier, ordersRequest(`DPoP ${token}`, await proofFor(token)), [
      'orders:read',
    ])
    assert.ok(result.ok)
    assert.equal(result.accessToken.subject, 'user-1')
  })

  test('a bound token as Bearer is refused, in the guard and in verifyAccessToken (§7.2)', async () => {
    const token = await jwt(key)
    assertDpopRefusal(await guard(verifier, ordersRequest(`Bearer ${token}`), []), 'invalid_token')
    await assert.rejects(verifyAccessToken(token, verifier), DpopRequiredError)
  })

  test('a replayed proof is refused', async () => {
    const token = await jwt(key)
    const proof = await proofFor(token)
    assert.ok((await guard(verifier, ordersRequest(`DPoP ${token}`, proof), [])).ok)
    assertDpopRefusal(await guard(verifier, ordersRequest(`DPoP ${token}`, proof), []), 'invalid_dpop_proof')
  })

  test('a proof for another URL or method, by another key, or without ath is refused', async () => {
    const token = await jwt(key)
    const proofs = [
      await proofFor(token, key, { htu: `https://${HOST}/invoices` }),
      await proofFor(token, key, { htu: `https://evil.example/orders` }),
      await proofFor(token, key, { htm: 'POST' }),
      await proofFor(token, otherKey),
      await dpopProof(key, { htm: 'GET', htu: ORDERS }),
      undefined,
    ]
    for (const proof of proofs) {
      assertDpopRefusal(
        await guard(verifier, ordersRequest(`DPoP ${token}`, proof), []),
        'invalid_dpop_proof',
      )
    }
  })

  test('an unbound token as DPoP is refused with a DPoP challenge', async () => {
    const token = await jwt()
    assertDpopRefusal(
      await guard(verifier, ordersRequest(`DPoP ${token}`, await proofFor(token)), []),
      'invalid_token',
    )
    // and as Bearer it still works
    assert.ok((await guard(verifier, ordersRequest(`Bearer ${token}`), [])).ok)
  })

  test('insufficient scope is told only after the proof, with the DPoP challenge', async () => {
    const token = await jwt(key)
    const result = await guard(verifier, ordersRequest(`DPoP ${token}`, await proofFor(token)), ['admin'])
    const refused = refusal(result)
    assert.equal(refused.status, 403)
    assert.match(refused.challenge, /^DPoP algs="[^"]+", realm="orders", error="insufficient_scope"/)
  })

  test('an introspected opaque token (token_type DPoP, cnf.jkt) needs its proof too (§6.2)', async () => {
    const opaque = 'opaque-dpop-token'
    as.introspection.set(opaque, {
      active: true,
      ...fake.accessTokenClaims(as.issuer, new Date()),
      token_type: 'DPoP',
      cnf: { jkt: key.jkt },
    })
    assert.ok((await guard(verifier, ordersRequest(`DPoP ${opaque}`, await proofFor(opaque)), [])).ok)
    assertDpopRefusal(await guard(verifier, ordersRequest(`Bearer ${opaque}`), []), 'invalid_token')
  })

  test('a shared jtiCache refuses a proof replayed to another instance', async () => {
    const seen = new Set<string>()
    const jtiCache = { claimOnce: (jti: string) => !seen.has(jti) && Boolean(seen.add(jti)) }
    const [first, second] = [verifierWith({ dpop: { jtiCache } }), verifierWith({ dpop: { jtiCache } })]
    const token = await jwt(key)
    const proof = await proofFor(token)
    assert.ok((await guard(first, ordersRequest(`DPoP ${token}`, proof), [])).ok)
    assertDpopRefusal(await guard(second, ordersRequest(`DPoP ${token}`, proof), []), 'invalid_dpop_proof')
    assert.equal(seen.size, 1)
  })

  test('the origin option decides the htu, whatever Host says', async () => {
    const behindProxy = verifierWith({ dpop: { origin: 'https://orders.example.com' } })
    const token = await jwt(key)
    const external = await proofFor(token, key, { htu: 'https://orders.example.com/orders' })
    assert.ok((await guard(behindProxy, ordersRequest(`DPoP ${token}`, external), [])).ok)
    assertDpopRefusal(
      await guard(behindProxy, ordersRequest(`DPoP ${token}`, await proofFor(token)), []),
      'invalid_dpop_proof',
    )
    assert.throws(() => verifierWith({ dpop: { origin: 'https://orders.example.com/api' } }), /origin alone/)
  })

  test('through the Fastify hook, over HTTP on loopback', async () => {
    const app = Fastify()
    app.get('/orders', { preHandler: requireScopeFastify(verifier, 'orders:read') }, async (request) => ({
      subject: (request as FastifyRequestLike).accessToken?.subject,
    }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/orders`
      const token = await jwt(key)
      const call = async (authorization: string, proof?: string) =>
        fetch(url, { headers: { authorization, ...(proof === undefined ? {} : { dpop: proof }) } })
      const accepted = await call(
        `DPoP ${token}`,
        await dpopProof(key, { htm: 'GET', htu: url, accessToken: token }),
      )
      assert.equal(accepted.status, 200)
      assert.deepEqual(await accepted.json(), { subject: 'user-1' })
      const asBearer = await call(`Bearer ${token}`)
      assert.equal(asBearer.status, 401)
      assert.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP algs=.*error="invalid_token"/)
    } finally {
      await app.close()
    }
  })
})
