import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import * as client from 'openid-client'
import { inNewContext, launchChromium } from '../../support/browser.ts'
import { startCallbackSite } from '../../support/callback-site.ts'
import { startDocumentSite } from '../../support/document-site.ts'
import { startTestServer } from '../../support/server.ts'

// A client nobody registered: openid-client 6 on its default path, told only the issuer and a client_id that is
// the https URL of the client's metadata document (served by the test over TLS on loopback, which the
// development switch lets Keyward reach), with no client authentication. The person signs in and consents in
// Chromium, where the consent page names the client's domain.

const browser = await launchChromium()
after(() => browser.close())
const documents = await startDocumentSite()
after(() => documents.close())
const keyward = await startTestServer(
  { clientIdMetadataDocuments: 'any', outboundFetch: { allowPrivateAddresses: true } },
  { trustedCertificates: documents.ca },
)
after(() => keyward.close())
const { callback } = await startCallbackSite('<!doctype html><title>Callback</title><h1>Callback</h1>')

test('openid-client signs a person in with a client ID metadata document client', async () => {
  const clientId = documents.url('/oauth/client.json')
  documents.json(
    '/oauth/client.json',
    {
      client_id: clientId,
      client_name: 'Notes Agent',
      client_uri: documents.origin,
      redirect_uris: [callback],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    },
    { 'cache-control': 'max-age=300' },
  )
  const user = await keyward.user()
  const config = await client.discovery(new URL(keyward.issuer), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  })
  assert.equal(config.serverMetadata().client_id_metadata_document_supported, true)

  const verifier = client.randomPKCECodeVerifier()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: callback,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  })
  const returned = await inNewContext(browser, async ({ page }) => {
    await page.goto(url.href)
    await page.getByLabel('Username').fill(user.username)
    await page.getByLabel('Password').fill(user.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    // The domain comes first, and the person is told nobody here vouched for the application.
    assert.equal(await page.locator('.client-domain').textContent(), new URL(documents.origin).host)
    await page.getByText('This application was not registered by the operator of this server.').waitFor()
    await page.getByRole('button', { name: 'Allow' }).click()
    await page.getByRole('heading', { level: 1, name: 'Callback' }).waitFor()
    return new URL(page.url())
  })

  // The library checks iss, exchanges the code with PKCE and checks the ID token, whose aud is the URL.
  const tokens = await client.authorizationCodeGrant(config, returned, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    idTokenExpected: true,
  })
  const claims = tokens.claims()
  assert.equal(claims?.aud, clientId)
  assert.equal(claims?.sub, user.id)
  assert.ok(tokens.refresh_token)
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
  assert.equal(refreshed.claims()?.sub, user.id)
  // Served with max-age=300: fetched once for the whole flow.
  assert.equal(documents.hits.get('/oauth/client.json'), 1)
})
