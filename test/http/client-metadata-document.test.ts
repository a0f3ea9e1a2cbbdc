import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import type { ConfigInput } from '../../src/core/config.ts'
import { type DocumentSite, startDocumentSite } from '../support/document-site.ts'
import { followAuthorization, newBrowser, submit } from '../support/flow.ts'
import { discover, insecure } from '../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// OAuth Client ID Metadata Document: a client_id that is the https URL of the client's metadata, fetched through
// the outbound fetch from a local https site (loopback, reachable only with the development switch).

const REDIRECT_URI = 'https://client.example/callback'
let site: DocumentSite
const servers: TestServer[] = []

before(async () => {
  site = await startDocumentSite()
})
after(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await site.close()
})

async function serverWith(overrides: Partial<ConfigInput>): Promise<TestServer> {
  const server = await startTestServer(
    { clientIdMetadataDocuments: 'any', outboundFetch: { allowPrivateAddresses: true }, ...overrides },
    { trustedCertificates: site.ca },
  )
  servers.push(server)
  return server
}

/** A client's metadata document served at `path`, naming its own URL, with `fields` added or replaced. */
function publish(path: string, fields: Record<string, unknown> = {}): string {
  const clientId = site.url(path)
  site.json(path, {
    client_id: clientId,
    client_name: 'Agent Tool',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'profile read',
    ...fields,
  })
  return clientId
}

/** The start of a code request for `clientId` (oauth4webapi's PKCE), and its verifier. */
async function codeRequestFor(server: TestServer, clientId: string, scope = 'profile') {
  const verifier = oauth.generateRandomCodeVerifier()
  const url = new URL('/authorize', server.issuer)
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  return { url: url.href, verifier }
}

/** A person signs in and consents; the client redeems the code as oauth4webapi does, authenticating with `auth`. */
async function codeFlow(
  server: TestServer,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  auth: oauth.ClientAuth,
): Promise<oauth.TokenEndpointResponse> {
  const user = await server.user()
  const { url, verifier } = await codeRequestFor(server, client.client_id)
  const callback = await followAuthorization(newBrowser(server.issuer), url, { user })
  const params = oauth.validateAuthResponse(as, client, callback, oauth.skipStateCheck)
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    auth,
    params,
    REDIRECT_URI,
    verifier,
    insecure,
  )
  return oauth.processAuthorizationCodeResponse(as, client, response)
}

describe('client ID metadata documents', () => {
  test('discovery advertises them only when the operator accepts them', async () => {
    const accepting = await serverWith({})
    assert.equal((await discover(accepting.issuer)).client_id_metadata_document_supported, true)
    const off = await serverWith({ clientIdMetadataDocuments: 'off' })
    assert.equal((await discover(off.issuer)).client_id_metadata_document_supported, undefined)
  })

  test('the code flow and a refresh with oauth4webapi, client_id = the URL, no client authentication', async () => {
    const server = await serverWith({})
    const clientId = publish('/agent.json')
    const as = await discover(server.issuer)
    const client: oauth.Client = { client_id: clientId, token_endpoint_auth_method: 'none' }
    const tokens = await codeFlow(server, as, client, oauth.None())
    assert.equal(tokens.scope, 'profile')
    assert.ok(tokens.refresh_token)
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, insecure),
    )
    assert.ok(refreshed.access_token)

    // The client has a record under its URL, which grants and consents refer to.
    const record = await server.core.stores.clients.get(clientId)
    assert.equal(record?.name, 'Agent Tool')
    const created = server.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === 'client_created')
    assert.deepEqual(
      created.map((line) => [line.clientId, line.reason]),
      [[clientId, 'client_id_metadata_document']],
    )
  })

  test('the consent page shows the domain prominently and that the operator did not register the client', async () => {
    const server = await serverWith({})
    const clientId = publish('/consent.json')
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    const { url } = await codeRequestFor(server, clientId)
    const login = await browser.get(url)
    const consent = await submit(browser, login, { username: user.username, password: user.password })
    assert.equal(consent.status, 200, consent.body.slice(0, 300))
    const host = new URL(site.origin).host
    assert.match(consent.body, new RegExp(`<p class="client-domain">${host}</p>`))
    assert.match(consent.body, /not registered by the operator of this server/)
  })

  test('a document that names another client_id: an error page at /authorize, invalid_client at /token', async () => {
    const server = await serverWith({})
    const clientId = publish('/impostor.json', { client_id: 'https://elsewhere.example/client.json' })
    const { url } = await codeRequestFor(server, clientId)
    const page = await newBrowser(server.issuer).get(url)
    assert.equal(page.status, 400)
    assert.equal(page.location, null)
    assert.match(page.body, /its client_id is not the URL it was fetched from/)
    assert.match(page.body, /invalid_client/)

    const token = await fetch(new URL('/token', server.issuer), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: clientId }),
    })
    assert.equal(token.status, 401)
    const body = (await token.json()) as { error: string; error_description: string }
    assert.equal(body.error, 'invalid_client')
    assert.match(body.error_description, /not the URL it was fetched from/)
  })

  test('what a document may not say is refused with the reason, never redirected to', async () => {
    const server = await serverWith({})
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ client_secret: 'shh' }, /must not contain client_secret/],
      [
        { token_endpoint_auth_method: 'client_secret_basic' },
        /token_endpoint_auth_method must be one of none, private_key_jwt/,
      ],
      [{ grant_types: ['client_credentials'] }, /grant_types may name only/],
      [{ response_types: ['token'] }, /response_types may name only code/],
      [{ redirect_uris: [] }, /redirect_uris must list/],
      [{ token_endpoint_auth_method: 'private_key_jwt' }, /publishes its keys in jwks or jwks_uri/],
      // The same checks as `keyward clients create`: a plain-http redirect to another host is refused.
      [{ redirect_uris: ['http://client.example/callback'] }, /redirect/i],
      [{ scope: 'admin' }, /The scope admin is not defined/],
    ]
    let index = 0
    for (const [fields, message] of cases) {
      const clientId = publish(`/bad-${index++}.json`, fields)
      const page = await newBrowser(server.issuer).get((await codeRequestFor(server, clientId)).url)
      assert.equal(page.status, 400, String(message))
      assert.equal(page.location, null)
      assert.match(page.body.replaceAll('&#x2F;', '/'), message)
    }
  })

  test('the operator policy: off refuses every URL client_id; an allow-list admits only its domains', async () => {
    const clientId = publish('/policy.json')
    const off = await serverWith({ clientIdMetadataDocuments: 'off' })
    const refusedOff = await newBrowser(off.issuer).get((await codeRequestFor(off, clientId)).url)
    assert.match(refusedOff.body, /does not accept client ID metadata documents/)
    const listed = await serverWith({ clientIdMetadataDocuments: { allow: ['apps.example.com'] } })
    const refusedListed = await newBrowser(listed.issuer).get((await codeRequestFor(listed, clientId)).url)
    assert.match(refusedListed.body, /does not accept clients from localhost/)
    const allowed = await serverWith({ clientIdMetadataDocuments: { allow: ['localhost'] } })
    const login = await newBrowser(allowed.issuer).get((await codeRequestFor(allowed, clientId)).url)
    assert.equal(login.status, 200)
    assert.equal(site.hits.get('/policy.json'), 1)
  })

  test('a document behind a redirect is not followed (the draft forbids it)', async () => {
    const server = await serverWith({})
    const target = publish('/moved-here.json')
    const clientId = site.url('/moved.json')
    site.route('/moved.json', (_request, response) => response.writeHead(301, { location: target }).end())
    const page = await newBrowser(server.issuer).get((await codeRequestFor(server, clientId)).url)
    assert.equal(page.status, 400)
    assert.match(page.body, /answered a redirect, which is not followed/)
    assert.equal(site.hits.get('/moved-here.json'), undefined)
  })

  test('without the development switch, a document on loopback is never fetched', async () => {
    const clientId = publish('/loopback.json')
    const server = await serverWith({ outboundFetch: { allowPrivateAddresses: false } })
    const page = await newBrowser(server.issuer).get((await codeRequestFor(server, clientId)).url)
    assert.equal(page.status, 400)
    assert.match(page.body, /resolves to an address that is not public/)
    assert.equal(site.hits.get('/loopback.json'), undefined)
  })
})

describe('private_key_jwt with keys at a jwks_uri', () => {
  test('a registered client and a metadata document client authenticate with keys the site publishes', async () => {
    const server = await serverWith({})
    const as = await discover(server.issuer)
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    site.json('/keys.json', {
      keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }],
    })
    const clientAuth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'k1' })

    const registered = await server.client({
      name: 'Key service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { jwksUri: site.url('/keys.json') },
    })
    const service: oauth.Client = { client_id: registered.client.id }
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      service,
      await oauth.clientCredentialsGrantRequest(as, service, clientAuth, new URLSearchParams(), insecure),
    )
    assert.ok(tokens.access_token)

    // A metadata document client whose keys are at a jwks_uri: the code flow, authenticated by assertion.
    const clientId = publish('/key-agent.json', {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: site.url('/keys.json'),
    })
    const codeTokens = await codeFlow(server, as, { client_id: clientId }, clientAuth)
    assert.ok(codeTokens.access_token)
  })
})
