import assert from 'node:assert/strict'
import { afterEach, beforeEach, mock, test } from 'node:test'
import { createVerifier, InvalidTokenError, type Verifier, verifyAccessToken } from '../src/index.ts'
import * as fake from './fake-issuer.ts'

// jose times the JWKS cache and cooldown with Date.now(), so the fake clock here is node:test's mocked Date
let as: fake.FakeIssuer
let verifier: Verifier
let k1: fake.TestKey
let k2: fake.TestKey

const token = (key: fake.TestKey) => fake.sign(key, fake.accessTokenClaims(as.issuer, new Date()))
const advance = (seconds: number) => mock.timers.tick(seconds * 1000)
const unknownKey = (error: unknown) =>
  error instanceof InvalidTokenError && /unknown key/.test(error.description)

beforeEach(async () => {
  mock.timers.enable({ apis: ['Date'], now: new Date('2030-01-01T00:00:00Z') })
  as = await fake.startIssuer()
  k1 = await fake.createKey('k1')
  k2 = await fake.createKey('k2')
  as.publish([k1])
  verifier = createVerifier({ issuer: as.issuer, audience: fake.AUDIENCE, jwksCooldown: 30, jwksMaxAge: 600 })
  await verifyAccessToken(await token(k1), verifier)
  assert.equal(as.hits.jwks, 1)
})

afterEach(async () => {
  mock.timers.reset()
  await as.close()
})

test('a known kid is served from the cache', async () => {
  for (let i = 0; i < 5; i++) await verifyAccessToken(await token(k1), verifier)
  assert.equal(as.hits.jwks, 1)
  assert.equal(as.hits.metadata, 1)
})

test('an unknown kid triggers exactly one refetch, and a newly published key then verifies', async () => {
  as.publish([k1, k2])
  advance(31)
  const result = await verifyAccessToken(await token(k2), verifier)
  assert.equal(result.subject, 'user-1')
  assert.equal(as.hits.jwks, 2)
  await verifyAccessToken(await token(k2), verifier)
  assert.equal(as.hits.jwks, 2)
})

test('the cooldown bounds refetches for unknown kids', async () => {
  const forged = await fake.createKey('forged')
  advance(31)
  await assert.rejects(verifyAccessToken(await token(forged), verifier), unknownKey)
  assert.equal(as.hits.jwks, 2)
  for (let i = 0; i < 10; i++) {
    await assert.rejects(verifyAccessToken(await token(forged), verifier), unknownKey)
  }
  advance(29)
  await assert.rejects(verifyAccessToken(await token(forged), verifier), unknownKey)
  assert.equal(as.hits.jwks, 2, 'no refetch while cooling down')
  advance(2)
  await assert.rejects(verifyAccessToken(await token(forged), verifier), unknownKey)
  assert.equal(as.hits.jwks, 3, 'one refetch once the cooldown is over')
})

test('key rotation: the retired key verifies while it is published, and not after', async () => {
  as.publish([k2, k1])
  advance(31)
  await verifyAccessToken(await token(k2), verifier)
  assert.equal(as.hits.jwks, 2)
  const signedByOldKey = await token(k1)
  assert.equal((await verifyAccessToken(signedByOldKey, verifier)).subject, 'user-1')
  assert.equal(as.hits.jwks, 2)

  as.publish([k2])
  advance(601)
  await assert.rejects(verifyAccessToken(await token(k1), verifier), unknownKey)
  assert.equal(as.hits.jwks, 3, 'a stale JWKS is fetched again after jwksMaxAge')
})
