import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createVerifier } from '../src/index.ts'
import { AUDIENCE, RESOURCE_SERVER } from './fake-issuer.ts'

test('the issuer and every endpoint must be https, or http on loopback', () => {
  assert.throws(() => createVerifier({ issuer: 'http://as.example', audience: AUDIENCE }), /must use https/)
  assert.throws(
    () =>
      createVerifier({ issuer: 'https://as.example', audience: AUDIENCE, jwksUri: 'http://as.example/jwks' }),
    /jwksUri must use https/,
  )
  assert.throws(
    () =>
      createVerifier({
        issuer: 'https://as.example',
        audience: AUDIENCE,
        introspection: { ...RESOURCE_SERVER, endpoint: 'http://as.example/introspect' },
      }),
    /introspection.endpoint must use https/,
  )
  for (const issuer of [
    'http://127.0.0.1:8080',
    'http://localhost:8080',
    'http://[::1]:8080',
    'https://as.example',
  ]) {
    assert.ok(createVerifier({ issuer, audience: AUDIENCE }))
  }
})

test("introspect: 'always' without introspection credentials fails at start-up", () => {
  assert.throws(
    () => createVerifier({ issuer: 'https://as.example', audience: AUDIENCE, introspect: 'always' }),
    /needs the introspection client credentials/,
  )
})

test('nonsense durations and empty lists fail at start-up', () => {
  const base = { issuer: 'https://as.example', audience: AUDIENCE }
  assert.throws(
    () => createVerifier({ ...base, clockTolerance: -1 }),
    /clockTolerance must be a non-negative/,
  )
  assert.throws(
    () => createVerifier({ ...base, jwksCooldown: Number.NaN }),
    /jwksCooldown must be a non-negative/,
  )
  assert.throws(() => createVerifier({ ...base, algorithms: [] }), /at least one algorithm/)
  assert.throws(() => createVerifier({ ...base, audience: '' }), /audience must not be empty/)
})
