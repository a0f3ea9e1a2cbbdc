import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { type DocumentSite, startDocumentSite } from '../../support/document-site.ts'
import { openidClientSignIn } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client 6 registers pairwise clients (RFC 7591, OpenID Connect Registration §2) that name a
// sector_identifier_uri, served by a local https site (reachable with the development switch), then signs a person
// in on its default path; apps of one sector see one sub. The one option is allowInsecureRequests: the test issuer
// is http on loopback.

let site: DocumentSite
let server: TestServer
before(async () => {
  site = await startDocumentSite()
  server = await startTestServer(
    { registration: { policy: 'open' }, outboundFetch: { allowPrivateAddresses: true } },
    { trustedCertificates: site.ca },
  )
})
after(async () => {
  await server.close()
  await site.close()
})

const PHOTOS = 'https://photos.example/callback'
const PRINTS = 'https://prints.example/callback'

/** A pairwise client registered by openid-client for these redirect URIs, under the site's sector document. */
const registered = (redirectUris: string[]) =>
  client.dynamicClientRegistration(
    new URL(server.issuer),
    {
      client_name: 'Registered by openid-client',
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'openid profile',
      subject_type: 'pairwise',
      sector_identifier_uri: site.url('/sector.json'),
    },
    undefined,
    { execute: [client.allowInsecureRequests] },
  )

describe('openid-client 6 with a sector_identifier_uri (OpenID Connect Core §8.1)', () => {
  test('clients of one sector, on several hosts, see one pairwise sub; UserInfo agrees', async () => {
    site.json('/sector.json', [PHOTOS, PRINTS])
    const user = await server.user()
    const subOf = async (config: client.Configuration, redirectUri: string) => {
      const { tokens } = await openidClientSignIn(
        config,
        server.issuer,
        { user },
        { redirectUri, scope: 'openid profile' },
      )
      const sub = tokens.claims()?.sub
      assert.ok(sub)
      // Core §5.3.2: fetchUserInfo refuses a UserInfo sub other than the ID token's.
      const info = await client.fetchUserInfo(config, tokens.access_token, sub)
      assert.equal(info.preferred_username, user.username)
      return sub
    }
    const both = await registered([PHOTOS, PRINTS])
    assert.equal(both.clientMetadata().sector_identifier_uri, site.url('/sector.json'))
    const sub = await subOf(both, PHOTOS)
    assert.notEqual(sub, user.id)
    assert.equal(await subOf(both, PRINTS), sub, 'one sub on either host')
    assert.equal(await subOf(await registered([PRINTS]), PRINTS), sub, 'another client of the same sector')
  })

  test('the library reports the refusal of a redirect URI the document does not list', async () => {
    site.json('/sector.json', [PHOTOS, PRINTS])
    await assert.rejects(registered([PHOTOS, 'https://elsewhere.example/callback']), (error: unknown) => {
      assert.match(String((error as Error & { error?: string }).error), /invalid_client_metadata/)
      return true
    })
  })
})
