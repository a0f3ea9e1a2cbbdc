import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { adminCall, adminClient, servedDocument, tokenOf } from '../../support/admin-api.ts'
import { type DocumentSite, startDocumentSite } from '../../support/document-site.ts'
import { register, registrationRequest } from '../../support/registration.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens } from './oidc-flow.ts'

// OpenID Connect Core §8.1 and Registration §2: a pairwise client spread over hosts names a sector_identifier_uri,
// whose document (served here by a local https site, reachable with the development switch) lists its redirect
// URIs; the document's host is then the sector.

let site: DocumentSite
let server: TestServer
before(async () => {
  site = await startDocumentSite()
  server = await startTestServer(
    {
      registration: { policy: 'open', perAddressPerHour: 1000 },
      outboundFetch: { allowPrivateAddresses: true },
    },
    { trustedCertificates: site.ca },
  )
})
after(async () => {
  await server.close()
  await site.close()
})

const SPREAD = ['https://a.example/cb', 'https://b.example/cb']

const pairwiseMetadata = (sectorIdentifierUri: string, redirectUris = SPREAD) => ({
  client_name: 'Spread app',
  redirect_uris: redirectUris,
  scope: 'openid profile',
  subject_type: 'pairwise',
  sector_identifier_uri: sectorIdentifierUri,
})

/** The sub in the ID token a client registered at /register gets for `user`. */
async function idTokenSub(
  reply: { json: Record<string, unknown> },
  user: Awaited<ReturnType<TestServer['user']>>,
) {
  const client = await server.core.stores.clients.get(String(reply.json.client_id))
  assert.ok(client)
  const redirectUri = client.redirectUris[0] ?? ''
  const tokens = await codeTokens(
    server,
    { client, secret: String(reply.json.client_secret) },
    { params: { scope: 'openid', redirect_uri: redirectUri }, user },
  )
  return decodeJwt(String(tokens.json.id_token)).sub
}

describe('sector_identifier_uri at the registration endpoint (RFC 7591)', () => {
  test('two clients of one sector get the same pairwise sub; the URI is echoed', async () => {
    site.json('/sector.json', [...SPREAD, 'https://c.example/cb'])
    const first = await register(server, pairwiseMetadata(site.url('/sector.json')))
    assert.equal(first.status, 201, JSON.stringify(first.json))
    assert.equal(first.json.sector_identifier_uri, site.url('/sector.json'))
    const second = await register(
      server,
      pairwiseMetadata(site.url('/sector.json'), ['https://c.example/cb']),
    )
    assert.equal(second.status, 201, JSON.stringify(second.json))
    const user = await server.user()
    const sub = await idTokenSub(first, user)
    assert.ok(typeof sub === 'string' && sub !== user.id)
    assert.equal(await idTokenSub(second, user), sub)
  })

  test("a client without redirect URIs cannot claim another app's sector: nothing in the document names it", async () => {
    // The victim's document lists its own redirect URIs; a device-flow client has none, so "every one of them is
    // listed" would hold for any document, and its ID tokens would carry the victim's pairwise sub values.
    site.json('/victim.json', SPREAD)
    const sneaky = await register(server, {
      client_name: 'TV app',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid',
      subject_type: 'pairwise',
      sector_identifier_uri: site.url('/victim.json'),
    })
    assert.equal(sneaky.status, 400, JSON.stringify(sneaky.json))
    assert.equal(sneaky.json.error, 'invalid_client_metadata')
    assert.match(String(sneaky.json.error_description), /sector_identifier_uri/)
    // The victim's own redirect URIs pass the document, but the device flow delivers ID tokens beside them.
    const beside = await register(server, {
      client_name: 'TV app',
      redirect_uris: SPREAD,
      grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid',
      subject_type: 'pairwise',
      sector_identifier_uri: site.url('/victim.json'),
    })
    assert.equal(beside.status, 400, JSON.stringify(beside.json))
    assert.match(String(beside.json.error_description), /device_code grant cannot register/)
    // Without a document, the sector is the redirect URIs' host: the same for a device client naming the victim's.
    const byHost = await register(server, {
      client_name: 'TV app',
      redirect_uris: ['https://a.example/cb'],
      grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid',
      subject_type: 'pairwise',
    })
    assert.equal(byHost.status, 400, JSON.stringify(byHost.json))
    assert.match(String(byHost.json.error_description), /device_code grant cannot register/)
  })

  test('refused with invalid_client_metadata: an unlisted redirect URI, a document that is not an array, http', async () => {
    site.json('/partial.json', ['https://a.example/cb'])
    site.json('/object.json', { redirect_uris: SPREAD })
    const cases: [string, RegExp][] = [
      [site.url('/partial.json'), /does not list the redirect URIs https:\/\/b\.example\/cb/],
      [site.url('/object.json'), /must hold a JSON array of redirect URIs/],
      [site.url('/missing.json'), /could not be read/],
      ['http://sector.example/uris.json', /is not an https URL/],
    ]
    for (const [uri, description] of cases) {
      const reply = await register(server, pairwiseMetadata(uri))
      assert.equal(reply.status, 400, uri)
      assert.equal(reply.json.error, 'invalid_client_metadata', uri)
      assert.match(String(reply.json.error_description), description)
    }
  })
})

describe('sector_identifier_uri at the client configuration endpoint (RFC 7592)', () => {
  test('an update is checked against the document as a registration is', async () => {
    site.json('/update.json', ['https://a.example/cb'])
    const registered = await register(
      server,
      pairwiseMetadata(site.url('/update.json'), ['https://a.example/cb']),
    )
    assert.equal(registered.status, 201, JSON.stringify(registered.json))
    const path = new URL(String(registered.json.registration_client_uri)).pathname
    const token = String(registered.json.registration_access_token)
    const body = { ...pairwiseMetadata(site.url('/update.json')), client_id: registered.json.client_id }
    const refused = await registrationRequest(server, 'PUT', path, { token, body })
    assert.equal(refused.status, 400)
    assert.equal(refused.json.error, 'invalid_client_metadata')
    assert.match(
      String(refused.json.error_description),
      /does not list the redirect URIs https:\/\/b\.example\/cb/,
    )
    // Another document (the port's cache keeps a copy a short while, even when asked for a fresh one).
    site.json('/update-all.json', SPREAD)
    const updated = await registrationRequest(server, 'PUT', path, {
      token,
      body: { ...body, sector_identifier_uri: site.url('/update-all.json') },
    })
    assert.equal(updated.status, 200, JSON.stringify(updated.json))
    assert.deepEqual(updated.json.redirect_uris, SPREAD)
  })
})

describe('sector_identifier_uri in the admin API', () => {
  test('creates a pairwise client with one, and refuses one whose document misses a redirect URI', async () => {
    const token = await tokenOf(server, await adminClient(server))
    const spec = await servedDocument(server)
    site.json('/admin-sector.json', SPREAD)
    site.json('/admin-partial.json', ['https://a.example/cb'])
    const body = (sectorIdentifierUri: string) => ({
      client_name: 'Spread app',
      redirect_uris: SPREAD,
      subject_type: 'pairwise',
      sector_identifier_uri: sectorIdentifierUri,
    })
    const created = await adminCall(
      server,
      token,
      'POST',
      '/admin/clients',
      body(site.url('/admin-sector.json')),
    )
    spec.assertAnswer('POST', '/admin/clients', created)
    assert.equal(created.status, 201, JSON.stringify(created.json))
    const view = created.json as { subject_type: string; sector_identifier_uri: string }
    assert.equal(view.subject_type, 'pairwise')
    assert.equal(view.sector_identifier_uri, site.url('/admin-sector.json'))
    const refused = await adminCall(
      server,
      token,
      'POST',
      '/admin/clients',
      body(site.url('/admin-partial.json')),
    )
    assert.equal(refused.status, 400)
    const answer = refused.json as { error: string; error_description: string }
    assert.equal(answer.error, 'invalid_client_metadata')
    assert.match(answer.error_description, /does not list the redirect URIs https:\/\/b\.example\/cb/)
  })
})
