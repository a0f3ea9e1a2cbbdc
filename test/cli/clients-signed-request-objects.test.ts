import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import { clientsCreate, jsonOf, runCli, serverAtHome } from '../support/cli.ts'
import { codeRequest, newBrowser, newPkce } from '../support/flow.ts'

interface DescribedClient {
  readonly client_id: string
  readonly redirect_uris: readonly string[]
  readonly require_signed_request_object: boolean
}

// A server running on the same database the CLI writes to.
const { home, server } = await serverAtHome()
const cli = (...argv: string[]) => runCli(argv, home.env)
const redirect = { 'redirect-uris': 'https://client.example/callback' }

describe('keyward clients create --require-signed-request-object (RFC 9101 §10.5)', () => {
  test('the running server refuses the client a request that is not a signed request object', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true })
    const file = join(home.directory, 'signer-keys.json')
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'signer' }] }))
    const created = jsonOf<DescribedClient>(
      await cli(
        ...clientsCreate('Signer', {
          ...redirect,
          'auth-method': 'private_key_jwt',
          jwks: file,
          'require-signed-request-object': true,
          json: true,
        }),
      ),
    )
    assert.equal(created.require_signed_request_object, true)
    const page = await newBrowser(server.issuer).get(
      `${server.issuer}/authorize?${codeRequest({ id: created.client_id, redirectUris: created.redirect_uris }, newPkce())}`,
    )
    const location = new URL(page.location ?? '')
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.match(location.searchParams.get('error_description') ?? '', /signed request objects/)
  })

  test('a client without keys cannot be required to sign, and nothing is stored', async () => {
    const before = home.count('clients')
    const result = await cli(
      ...clientsCreate('No keys', { ...redirect, 'require-signed-request-object': true }),
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /must sign its request objects registers its keys/)
    assert.equal(home.count('clients'), before)
  })

  test('off by default', async () => {
    const plain = jsonOf<DescribedClient>(await cli(...clientsCreate('Plain', { ...redirect, json: true })))
    assert.equal(plain.require_signed_request_object, false)
  })
})
