import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decodeProtectedHeader } from 'jose'
import {
  createVerifier,
  InvalidTokenError,
  verifyAccessToken,
} from '../../packages/resource-server/src/index.ts'
import { serviceClient } from '../support/fixtures.ts'
import { jsonOf, runCli, serverAtHome } from '../support/cli.ts'
import { clientCredentials, tokensOf } from '../support/oauth-client.ts'

interface KeyRow {
  readonly kid: string
  readonly status: 'signing' | 'retired'
  readonly published_until: string | null
}

// The CLI and the server share the database file and the secret that encrypts the private keys.
const { home, server } = await serverAtHome()
const service = await serviceClient(server)

describe('signing key rotation (keyward keys rotate)', () => {
  const kidOf = (token: string) => decodeProtectedHeader(token).kid
  const newToken = async () => tokensOf(await clientCredentials(server, service)).accessToken
  const publishedKids = async () => {
    const jwks = (await (await fetch(`${server.issuer}/jwks.json`)).json()) as { keys: { kid: string }[] }
    return jwks.keys.map((key) => key.kid).sort()
  }
  const verifier = () =>
    createVerifier({ issuer: server.issuer, audience: server.issuer, clock: server.clock })

  test('new tokens get the new key; old ones verify until the old key is unpublished', async () => {
    const oldToken = await newToken()
    const oldKid = kidOf(oldToken)
    const [signing] = jsonOf<KeyRow[]>(await runCli(['keys', 'list', '--json'], home.env))
    assert.equal(signing?.kid, oldKid)
    assert.equal(signing?.status, 'signing')

    const rotated = await runCli(['keys', 'rotate'], home.env)
    assert.equal(rotated.code, 0, rotated.stderr)
    const rows = jsonOf<KeyRow[]>(await runCli(['keys', 'list', '--json'], home.env))
    const newKey = rows.find((row) => row.status === 'signing')
    const oldKey = rows.find((row) => row.kid === oldKid)
    assert.ok(newKey && oldKey)
    assert.notEqual(newKey.kid, oldKid)
    assert.match(rotated.stdout, new RegExp(newKey.kid))
    assert.equal(oldKey.status, 'retired')
    assert.ok(oldKey.published_until)

    // A running server picks the rotation up when it reloads (every minute, or now).
    assert.equal(kidOf(await newToken()), oldKid)
    await server.core.keys.reload()
    const rotatedToken = await newToken()
    assert.equal(kidOf(rotatedToken), newKey.kid)
    assert.deepEqual(await publishedKids(), [oldKid, newKey.kid].sort())

    const api = verifier()
    assert.equal((await verifyAccessToken(oldToken, api)).subject, service.client.id)
    assert.equal((await verifyAccessToken(rotatedToken, api)).subject, service.client.id)

    // Once every token the old key signed has expired, it leaves the JWKS.
    const remaining = Date.parse(oldKey.published_until) - server.clock.now().getTime()
    server.clock.advance(Math.ceil(remaining / 1000) + 1)
    await server.core.keys.reload()
    assert.deepEqual(await publishedKids(), [newKey.kid])
    await assert.rejects(
      verifyAccessToken(oldToken, verifier()),
      (error) => error instanceof InvalidTokenError && /unknown key/.test(error.description),
    )
    assert.equal(kidOf(await newToken()), newKey.kid)
  })
})
