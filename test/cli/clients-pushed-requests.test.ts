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
  readonly require_pushed_authorization_requests: boolean
  readonly security_profile: string | null
}

// A server running on the same database the CLI writes to.
const { home, server } = await serverAtHome()
const cli = (...argv: string[]) => runCli(argv, home.env)
const redirect = { 'redirect-uris': 'https://client.example/callback' }

describe('keyward clients create: --require-par and --profile', () => {
  test('--require-par: the running server refuses the client a request it did not push', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Pushes', { ...redirect, 'require-par': true, json: true })),
    )
    assert.equal(created.require_pushed_authorization_requests, true)
    assert.equal(created.security_profile, null)
    const page = await newBrowser(server.issuer).get(
      `${server.issuer}/authorize?${codeRequest({ id: created.client_id, redirectUris: created.redirect_uris }, newPkce())}`,
    )
    assert.equal(new URL(page.location ?? '').searchParams.get('error'), 'invalid_request')

    const plain = jsonOf<DescribedClient>(await cli(...clientsCreate('Plain', { ...redirect, json: true })))
    assert.equal(plain.require_pushed_authorization_requests, false)
  })

  test('--profile fapi2 refuses a client with a secret, naming the requirement, and stores nothing', async () => {
    const before = home.count('clients')
    const result = await cli(...clientsCreate('Bank', { ...redirect, profile: 'fapi2' }))
    assert.equal(result.code, 1)
    assert.match(result.stderr, /FAPI 2\.0 Security Profile requires private_key_jwt/)
    assert.equal(home.count('clients'), before)
  })

  test('--profile fapi2 registers a private_key_jwt client, held to the profile', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true })
    const file = join(home.directory, 'bank-keys.json')
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bank' }] }))
    const result = await cli(
      ...clientsCreate('Bank', {
        ...redirect,
        profile: 'fapi2',
        'auth-method': 'private_key_jwt',
        jwks: file,
        json: true,
      }),
    )
    const created = jsonOf<DescribedClient>(result)
    assert.equal(created.security_profile, 'fapi2')
    // Nothing to warn of: what the profile asks beyond registration (PAR, DPoP) is enforced per request.
    assert.doesNotMatch(result.stderr, /warning/i)
  })

  test('an unknown profile is a usage error', async () => {
    const result = await cli(...clientsCreate('Odd', { ...redirect, profile: 'fapi1' }))
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--profile is one of fapi2 or none/)
  })
})
