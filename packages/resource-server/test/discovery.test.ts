import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { metadataUrl } from '../src/discovery.ts'
import { createVerifier, IssuerError, verifyAccessToken } from '../src/index.ts'
import { AUDIENCE, accessTokenClaims, createKey, sign } from './fake-issuer.ts'

test('RFC 8414 §3.1: the well-known segment goes between host and issuer path', () => {
  assert.equal(metadataUrl('https://as.example'), 'https://as.example/.well-known/oauth-authorization-server')
  assert.equal(
    metadataUrl('https://as.example/tenant/a'),
    'https://as.example/.well-known/oauth-authorization-server/tenant/a',
  )
})

test('RFC 8414 §3.3: metadata naming another issuer is refused', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ issuer: 'https://evil.example', jwks_uri: 'https://evil.example/jwks' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const verifier = createVerifier({ issuer, audience: AUDIENCE })
    const token = await sign(await createKey('k1'), accessTokenClaims(issuer, new Date()))
    await assert.rejects(verifyAccessToken(token, verifier), (error: unknown) => {
      assert.ok(error instanceof IssuerError)
      assert.match(error.message, /names issuer https:\/\/evil\.example/)
      return true
    })
  } finally {
    server.closeAllConnections()
    server.close()
  }
})
