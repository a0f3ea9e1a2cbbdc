// The peer: oidc-provider 9 configured for the same work as Keyward (client credentials with ES256 JWT or
// opaque access tokens, introspection, the OpenID Connect code flow and UserInfo), on its in-memory adapter, or on
// Redis (peer-redis-adapter.ts) when BENCH_PEER_REDIS_URL is set. Run as a child: BENCH_PORT=... node peer-server.ts
import { Redis } from 'ioredis'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import { BENCH_RESOURCE } from '../server.ts'
import { PEER_CLIENTS, PEER_FLOW } from './peer-clients.ts'
import { redisAdapter } from './peer-redis-adapter.ts'

const port = Number(process.env.BENCH_PORT)
const redisUrl = process.env.BENCH_PEER_REDIS_URL
const { privateKey } = await generateKeyPair('ES256', { extractable: true })

const client = ({ id, secret }: { id: string; secret: string }) => ({
  client_id: id,
  client_secret: secret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'read write',
})

/** The code-flow client, as Keyward's bench-web: confidential, code and refresh token, one redirect URI. */
const webClient = {
  client_id: PEER_FLOW.client.id,
  client_secret: PEER_FLOW.client.secret,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: [PEER_FLOW.client.redirectUri],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid read',
}

// ioredis pipelines the commands of concurrent requests into one write (enableAutoPipelining), the setting
// that serves a busy server best; keyPrefix keeps every key under the bench's prefix.
const redis =
  redisUrl === undefined
    ? null
    : new Redis(redisUrl, { keyPrefix: process.env.BENCH_PEER_REDIS_PREFIX, enableAutoPipelining: true })

const provider = new Provider(`http://127.0.0.1:${port}`, {
  ...(redis === null ? {} : { adapter: redisAdapter(redis) }),
  clients: [...Object.values(PEER_CLIENTS).map(client), webClient],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' }] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  cookies: { keys: ['bench-cookie-signing-key-0123456789'] },
  scopes: ['openid', 'read', 'write'],
  // Every person exists, with no claims but sub: UserInfo answers {sub} at both servers.
  findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  // As Keyward does for a client allowed the refresh_token grant, without asking for offline_access.
  issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
    client.grantTypeAllowed('refresh_token'),
  features: {
    // The development sign-in and consent pages, the only ones oidc-provider ships: the bench signs in once per
    // round through them and measures code flows on the session, never these pages.
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // RFC 8707: every client-credentials token is for one API, whose settings pick the format: JWT (RFC 9068)
    // or opaque per client. The code-flow client's tokens are for UserInfo, as Keyward's are without a resource.
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx: unknown, requester: { clientId: string }) =>
        requester.clientId === PEER_FLOW.client.id ? undefined : BENCH_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx: unknown, _resource: string, requester: { clientId: string }) => ({
        scope: 'read write',
        audience: BENCH_RESOURCE,
        accessTokenTTL: 600,
        ...(requester.clientId === PEER_CLIENTS.opaque.id
          ? { accessTokenFormat: 'opaque' }
          : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      }),
    },
  },
})
provider.listen(port, '127.0.0.1')
