import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { findClient } from '../../src/core/clients/find-client.ts'
import { metadataDocumentClient } from '../../src/core/clients/metadata-document.ts'
import type { ConfigInput } from '../../src/core/config.ts'
import { InvalidClient } from '../../src/core/errors.ts'
import { openStores } from '../../src/store/index.ts'
import { testClock } from '../support/clock.ts'
import { documentsFetch } from '../support/documents.ts'
import { testConfig } from '../support/fixtures.ts'

// OAuth Client ID Metadata Document: which client_ids are URLs of documents, and which documents make a client.

const CLIENT_ID = 'https://app.example.com/oauth/client.json'

function documentFor(clientId: string, fields: Record<string, unknown> = {}) {
  return { client_id: clientId, redirect_uris: ['https://app.example.com/callback'], ...fields }
}

function depsWith(documents: Record<string, unknown>, overrides: Partial<ConfigInput> = {}) {
  return {
    config: testConfig({ clientIdMetadataDocuments: 'any', ...overrides }),
    clock: testClock(),
    fetch: documentsFetch(documents),
  }
}

async function refusal(clientId: string, documents: Record<string, unknown>, overrides = {}) {
  const error = await metadataDocumentClient(clientId, depsWith(documents, overrides)).then(
    () => assert.fail(`${clientId} was accepted`),
    (error: unknown) => error,
  )
  assert.ok(error instanceof InvalidClient)
  return error.description
}

describe('client ID metadata documents: the client', () => {
  test('a minimal document makes a public code client named after its host, with every defined scope', async () => {
    const deps = depsWith({ [CLIENT_ID]: documentFor(CLIENT_ID) })
    const client = await metadataDocumentClient(CLIENT_ID, deps)
    assert.equal(client.id, CLIENT_ID)
    assert.equal(client.name, 'app.example.com')
    assert.equal(client.type, 'public')
    assert.equal(client.tokenEndpointAuthMethod, 'none')
    assert.equal(client.secretDigest, null)
    assert.deepEqual(client.grantTypes, ['authorization_code'])
    assert.deepEqual(
      client.scopes,
      deps.config.scopes.map((scope) => scope.name),
    )
    assert.deepEqual(client.defaultScopes, [])
  })

  test('its own scope, name and keys at a jwks_uri', async () => {
    const document = documentFor(CLIENT_ID, {
      client_name: 'Notes',
      scope: 'openid profile',
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://app.example.com/jwks.json',
    })
    const client = await metadataDocumentClient(CLIENT_ID, depsWith({ [CLIENT_ID]: document }))
    assert.equal(client.name, 'Notes')
    assert.equal(client.type, 'confidential')
    assert.deepEqual(client.jwks, { jwksUri: 'https://app.example.com/jwks.json' })
    assert.deepEqual(client.scopes, ['openid', 'profile'])
    assert.deepEqual(client.defaultScopes, ['openid', 'profile'])
  })
})

describe('client ID metadata documents: the client_id URL', () => {
  test('https with a path, no fragment, credentials or dot segments, written in its normalised form', async () => {
    const cases: [string, RegExp][] = [
      ['https://app.example.com', /must have a path/],
      ['https://app.example.com/', /must have a path/],
      ['https://app.example.com/client.json#x', /must not have a fragment/],
      ['https://user:pw@app.example.com/client.json', /must not hold credentials/],
      ['https://app.example.com/a/../client.json', /normalised URL/],
      ['https://app.example.com/./client.json', /normalised URL/],
      ['https://APP.example.com/client.json', /normalised URL/],
      ['https://app.example.com:443/client.json', /normalised URL/],
      ['https://app .example.com/client.json', /not a URL/],
    ]
    for (const [clientId, message] of cases) {
      assert.match(await refusal(clientId, { [clientId]: documentFor(clientId) }), message, clientId)
    }
  })

  test('the operator policy: off refuses every URL; an allow-list admits its domains and their subdomains only', async () => {
    const documents = { [CLIENT_ID]: documentFor(CLIENT_ID) }
    assert.match(
      await refusal(CLIENT_ID, documents, { clientIdMetadataDocuments: 'off' }),
      /does not accept client ID metadata documents/,
    )
    const allowed = (allow: string[]) =>
      metadataDocumentClient(CLIENT_ID, depsWith(documents, { clientIdMetadataDocuments: { allow } }))
    assert.equal((await allowed(['example.com'])).id, CLIENT_ID)
    assert.equal((await allowed(['app.example.com'])).id, CLIENT_ID)
    await assert.rejects(allowed(['other.example.com']), /does not accept clients from app.example.com/)
    await assert.rejects(allowed(['ample.com']), /does not accept clients from/)
    await assert.rejects(allowed(['app.example.com:8443']), /does not accept clients from/)
    // The policy is checked before anything is fetched.
    const deps = depsWith(documents, { clientIdMetadataDocuments: { allow: ['other.example'] } })
    await assert.rejects(metadataDocumentClient(CLIENT_ID, deps))
    assert.deepEqual(deps.fetch.fetched, [])
  })
})

describe('client ID metadata documents: the document', () => {
  test('what a document may not say is refused, with the reason', async () => {
    const cases: [unknown, RegExp][] = [
      [['not', 'an', 'object'], /not a JSON object/],
      [documentFor('https://app.example.com/other.json'), /not the URL it was fetched from/],
      [documentFor(CLIENT_ID, { client_secret_expires_at: 0 }), /must not contain client_secret_expires_at/],
      [
        documentFor(CLIENT_ID, { token_endpoint_auth_method: 'client_secret_post' }),
        /must be one of none, private_key_jwt/,
      ],
      [
        documentFor(CLIENT_ID, { redirect_uris: 'https://app.example.com/callback' }),
        /redirect_uris must list/,
      ],
      [
        documentFor(CLIENT_ID, { grant_types: ['authorization_code', 'implicit'] }),
        /grant_types may name only/,
      ],
      [documentFor(CLIENT_ID, { response_types: ['code', 'token'] }), /response_types may name only code/],
      [documentFor(CLIENT_ID, { client_name: 42 }), /client_name must be a string/],
      [documentFor(CLIENT_ID, { logo_uri: 'javascript:alert(1)' }), /logo_uri must be an https URL/],
      [documentFor(CLIENT_ID, { client_uri: 'http://app.example.com' }), /client_uri must be an https URL/],
      [
        documentFor(CLIENT_ID, {
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [] },
          jwks_uri: 'https://app.example.com/k',
        }),
        /both jwks and jwks_uri/,
      ],
      [
        documentFor(CLIENT_ID, { token_endpoint_auth_method: 'private_key_jwt', jwks: 'keys' }),
        /jwks must be a JWK set/,
      ],
      // From here on, the checks `keyward clients create` applies, word for word.
      [documentFor(CLIENT_ID, { redirect_uris: ['https://app.example.com/*'] }), /redirect/i],
      [
        documentFor(CLIENT_ID, { jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }),
        /Only a private_key_jwt client registers keys/,
      ],
      [documentFor(CLIENT_ID, { scope: 'openid admin' }), /The scope admin is not defined/],
    ]
    for (const [document, message] of cases) {
      assert.match(await refusal(CLIENT_ID, { [CLIENT_ID]: document }), message, String(message))
    }
  })

  test('a document that cannot be fetched is invalid_client, with the fetch’s reason', async () => {
    assert.match(
      await refusal(CLIENT_ID, {}),
      /cannot be used: https:\/\/app.example.com\/oauth\/client.json could not be reached/,
    )
  })
})

test('findClient: URLs go to their documents, never to the record kept under them; other ids to the store', async () => {
  const stores = await openStores('memory:')
  const deps = {
    ...depsWith({ [CLIENT_ID]: documentFor(CLIENT_ID, { client_name: 'From the document' }) }),
    stores,
  }
  const client = await findClient(CLIENT_ID, deps)
  await stores.clients.create({ ...client!, name: 'A stale record' })
  assert.equal((await findClient(CLIENT_ID, deps))?.name, 'From the document')
  assert.equal(await findClient('no-such-client', deps), null)
  const off = { ...deps, config: testConfig({ clientIdMetadataDocuments: 'off' }) }
  await assert.rejects(findClient(CLIENT_ID, off), InvalidClient)
  await stores.close()
})
