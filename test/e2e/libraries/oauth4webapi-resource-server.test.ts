import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import * as oauth from 'oauth4webapi'
import {
  type AccessToken,
  createVerifier,
  requireScopeFastify,
} from '../../../packages/resource-server/src/index.ts'
import { authorizeCode } from '../../support/flow.ts'
import { discover, insecure } from '../../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { type RegisteredClient } from '../../support/oauth-client.ts'
import { resourceServer, serviceClient } from '../../support/fixtures.ts'

declare module 'fastify' {
  interface FastifyRequest {
    accessToken?: AccessToken
  }
}

describe('end to end: oauth4webapi and @keyward/resource-server against Keyward', () => {
  let server: TestServer
  let as: oauth.AuthorizationServer
  let api: RegisteredClient
  let photos: FastifyInstance
  let photosUrl: string

  before(async () => {
    server = await startTestServer()
    as = await discover(server.issuer)
    api = await resourceServer(server, { name: 'Photos API' })
    // Every token goes to introspection, so a revocation shows at once.
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: server.issuer,
      introspection: { clientId: api.client.id, clientSecret: api.secret ?? '' },
      introspect: 'always',
    })
    photos = Fastify()
    photos.get('/photos', { preHandler: requireScopeFastify(verifier, 'read') }, async (request) => ({
      owner: request.accessToken?.subject,
    }))
    photosUrl = `${await photos.listen({ host: '127.0.0.1', port: 0 })}/photos`
  })
  after(async () => {
    await photos.close()
    await server.close()
  })

  const callApi = (token: string) => fetch(photosUrl, { headers: { authorization: `Bearer ${token}` } })

  async function introspectAsApi(token: string): Promise<oauth.IntrospectionResponse> {
    const response = await oauth.introspectionRequest(
      as,
      { client_id: api.client.id },
      oauth.ClientSecretBasic(api.secret ?? ''),
      token,
      insecure,
    )
    return oauth.processIntrospectionResponse(as, { client_id: api.client.id }, response)
  }

  test('client credentials: a token the API accepts, with the client as its subject', async () => {
    const service = await serviceClient(server, { scopes: ['read'], defaultScopes: ['read'] })
    const client = { client_id: service.client.id }
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(service.secret ?? ''),
      { scope: 'read' },
      insecure,
    )
    const tokens = await oauth.processClientCredentialsResponse(as, client, response)
    assert.equal(tokens.token_type, 'bearer')
    assert.equal(tokens.scope, 'read')
    assert.equal(tokens.refresh_token, undefined)

    const reply = await callApi(tokens.access_token)
    assert.equal(reply.status, 200)
    assert.deepEqual(await reply.json(), { owner: service.client.id })
  })

  test('code, refresh, introspection and revocation; the API refuses the revoked token', async () => {
    const app = await server.client({ name: 'Photo app' })
    const client = { client_id: app.client.id }
    const auth = oauth.ClientSecretBasic(app.secret ?? '')
    const user = await server.user()
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const redirectUri = app.client.redirectUris[0] ?? ''

    const callback = await authorizeCode(server, {
      client: app.client,
      pkce: { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) },
      user,
      params: { scope: 'read write', state },
    })
    // RFC 9207: oauth4webapi checks iss and state in the authorization response.
    const params = oauth.validateAuthResponse(as, client, callback, state)
    const first = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, insecure),
    )
    assert.equal(first.scope, 'read write')
    assert.ok(first.refresh_token)
    assert.equal((await callApi(first.access_token)).status, 200)

    const second = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, first.refresh_token, insecure),
    )
    assert.ok(second.refresh_token)
    assert.notEqual(second.refresh_token, first.refresh_token)
    const reply = await callApi(second.access_token)
    assert.equal(reply.status, 200)
    assert.deepEqual(await reply.json(), { owner: user.id })

    const active = await introspectAsApi(second.access_token)
    assert.equal(active.active, true)
    assert.equal(active.sub, user.id)
    assert.equal(active.client_id, app.client.id)

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, second.refresh_token, insecure),
    )
    assert.deepEqual(await introspectAsApi(second.access_token), { active: false })
    const refused = await callApi(second.access_token)
    assert.equal(refused.status, 401)
    assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/)

    const afterRevocation = await oauth.refreshTokenGrantRequest(
      as,
      client,
      auth,
      second.refresh_token,
      insecure,
    )
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, client, afterRevocation),
      (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant',
    )
  })

  test('a token without the scope the route needs is 403 insufficient_scope', async () => {
    const service = await serviceClient(server, { scopes: ['read', 'write'], defaultScopes: ['write'] })
    const client = { client_id: service.client.id }
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(service.secret ?? ''),
        {},
        insecure,
      ),
    )
    assert.equal(tokens.scope, 'write')
    const reply = await callApi(tokens.access_token)
    assert.equal(reply.status, 403)
    const challenge = reply.headers.get('www-authenticate') ?? ''
    assert.match(challenge, /error="insufficient_scope"/)
    assert.match(challenge, /scope="read"/)
  })

  test('no token at all is 401 with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const reply = await fetch(photosUrl)
    assert.equal(reply.status, 401)
    assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer realm=/)
    assert.doesNotMatch(reply.headers.get('www-authenticate') ?? '', /error=/)
  })
})
