import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import * as oauth from 'oauth4webapi'
import {
  type AccessToken,
  createVerifier,
  requireScopeFastify,
  resourceMetadataFastify,
} from '../../../packages/resource-server/src/index.ts'
import { createResource } from '../../../src/core/admin/resources.ts'
import { codeRequest, followAuthorization, newBrowser } from '../../support/flow.ts'
import type { RegisteredClient } from '../../support/oauth-client.ts'
import { discover, insecure } from '../../support/oauth4webapi.ts'
import { freePort } from '../../support/ports.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

declare module 'fastify' {
  interface FastifyRequest {
    accessToken?: AccessToken
  }
}

// What an MCP client does on oauth4webapi's defaults: a 401 from the API, its RFC 9728 metadata, the
// authorization server's RFC 8414 metadata, then tokens bound to the API with RFC 8707 resource.
describe('oauth4webapi with resource indicators and protected resource metadata, against Keyward', () => {
  let server: TestServer
  let api: FastifyInstance
  let resource: string
  let app: RegisteredClient
  let job: RegisteredClient

  before(async () => {
    server = await startTestServer({
      scopes: [
        { name: 'profile', description: 'See your profile' },
        { name: 'tools', description: 'Use the tools' },
        { name: 'read', description: 'Read your data' },
        { name: 'write', description: 'Change your data' },
      ],
    })
    const port = await freePort()
    resource = `http://127.0.0.1:${port}/mcp`
    const ctx = { ...server.core, events: { emit: () => {} } }
    await createResource({ identifier: resource, name: 'Tools server', scopes: ['tools'] }, ctx)
    await createResource({ identifier: 'https://other.example/api', name: 'Other', scopes: [] }, ctx)
    // Keyward serves the metadata of a resource on its own origin that asks it to.
    await createResource(
      { identifier: `${server.issuer}/hosted`, name: 'Hosted', scopes: ['read'], serveMetadata: true },
      ctx,
    )
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: resource,
      resourceMetadata: { scopesSupported: ['tools'], resourceName: 'Tools server' },
    })
    api = Fastify()
    resourceMetadataFastify(api, verifier)
    api.get('/mcp', { preHandler: requireScopeFastify(verifier, 'tools') }, async (request) => ({
      caller: request.accessToken?.subject,
    }))
    await api.listen({ host: '127.0.0.1', port })
    app = await server.client({ name: 'Agent', scopes: ['profile', 'tools'], defaultScopes: ['profile'] })
    job = await server.client({
      name: 'Agent job',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: ['tools'],
      defaultScopes: ['tools'],
    })
  })
  after(async () => {
    await api.close()
    await server.close()
  })

  const callApi = (token?: string) =>
    fetch(resource, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })

  /** From the API's 401 to the authorization server, as the library reads each document. */
  async function discoverFromApi(): Promise<oauth.AuthorizationServer> {
    // The library calls the API with the token it has (none that works yet) and reads the challenge.
    const refusal = await oauth
      .protectedResourceRequest('not-a-token-yet', 'GET', new URL(resource), undefined, undefined, insecure)
      .then(
        () => assert.fail('the API accepted no token'),
        (error: unknown) => error,
      )
    assert.ok(refusal instanceof oauth.WWWAuthenticateChallengeError)
    const [challenge] = refusal.cause
    assert.equal(challenge?.scheme, 'bearer')
    assert.equal(challenge?.parameters.error, 'invalid_token')
    assert.equal(
      challenge?.parameters.resource_metadata,
      `${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp`,
    )
    // RFC 9728 §3.3: the library checks that the document names the very resource it asked about.
    const metadata = await oauth.processResourceDiscoveryResponse(
      new URL(resource),
      await oauth.resourceDiscoveryRequest(new URL(resource), insecure),
    )
    assert.deepEqual(metadata.authorization_servers, [server.issuer])
    assert.deepEqual(metadata.scopes_supported, ['tools'])
    return discover(server.issuer)
  }

  test('client credentials with resource: the API accepts the token, and refuses one for another resource', async () => {
    const as = await discoverFromApi()
    const client: oauth.Client = { client_id: job.client.id }
    const grant = (target: string) =>
      oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(job.secret ?? ''),
        { scope: 'tools', resource: target },
        insecure,
      )
    const tokens = await oauth.processClientCredentialsResponse(as, client, await grant(resource))
    const answer = await callApi(tokens.access_token)
    assert.equal(answer.status, 200)
    assert.deepEqual(await answer.json(), { caller: job.client.id })

    // Keyward refuses the scope for a resource that does not define it (invalid_scope)...
    await assert.rejects(
      oauth.processClientCredentialsResponse(as, client, await grant('https://other.example/api')),
      (error: unknown) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_scope',
    )
    // ... and an unknown resource with invalid_target, which the library reports as it came.
    await assert.rejects(
      oauth.processClientCredentialsResponse(as, client, await grant('https://unknown.example/')),
      (error: unknown) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_target',
    )
    // A token for the server-wide audience is not for this API.
    const plain = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(job.secret ?? ''),
        { scope: 'tools' },
        insecure,
      ),
    )
    const refused = await callApi(plain.access_token)
    assert.equal(refused.status, 401)
    assert.match(refused.headers.get('www-authenticate') ?? '', /not meant for this resource server/)
  })

  test('the code flow with resource on the authorization and the token request, then a refresh', async () => {
    const as = await discoverFromApi()
    const client: oauth.Client = { client_id: app.client.id }
    const clientAuth = oauth.ClientSecretBasic(app.secret ?? '')
    const person = await server.user()
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const query = codeRequest(
      app.client,
      { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) },
      {
        scope: 'profile tools',
        state,
        resource,
      },
    )
    const callback = await followAuthorization(
      newBrowser(server.issuer),
      `${server.issuer}/authorize?${query}`,
      {
        user: person,
      },
    )
    const params = oauth.validateAuthResponse(as, client, callback, state)
    const redirectUri = app.client.redirectUris[0] ?? ''
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, verifier, {
        ...insecure,
        additionalParameters: { resource },
      }),
    )
    assert.equal((await callApi(tokens.access_token)).status, 200)
    assert.ok(tokens.refresh_token)
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, {
        ...insecure,
        additionalParameters: { resource },
      }),
    )
    assert.equal((await callApi(refreshed.access_token)).status, 200)
    // Widening on refresh is refused.
    assert.ok(refreshed.refresh_token)
    await assert.rejects(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token, {
          ...insecure,
          additionalParameters: { resource: 'https://other.example/api' },
        }),
      ),
      (error: unknown) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_target',
    )
  })

  test('Keyward serves the metadata of a registered resource on its origin, and the library accepts it', async () => {
    const hosted = new URL(`${server.issuer}/hosted`)
    const metadata = await oauth.processResourceDiscoveryResponse(
      hosted,
      await oauth.resourceDiscoveryRequest(hosted, insecure),
    )
    assert.equal(metadata.resource, hosted.href)
    assert.deepEqual(metadata.authorization_servers, [server.issuer])
    assert.equal(metadata.resource_name, 'Hosted')
    assert.deepEqual(metadata.scopes_supported, ['read'])
    // A resource that did not ask, or a path naming none: 404.
    const other = await fetch(`${server.issuer}/.well-known/oauth-protected-resource/nothing`)
    assert.equal(other.status, 404)
    assert.equal(((await other.json()) as { error: string }).error, 'invalid_request')
  })
})
