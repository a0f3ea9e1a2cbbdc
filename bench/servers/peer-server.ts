// The peer: oidc-provider 9 configured for the same work as Keyward (client credentials with ES256 JWT or
// opaque access tokens, introspection), on its in-memory adapter. Run as a child: BENCH_PORT=... node peer-server.ts
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import { PEER_CLIENTS, PEER_RESOURCE } from './peer-clients.ts'

const port = Number(process.env.BENCH_PORT)
const { privateKey } = await generateKeyPair('ES256', { extractable: true })

const client = ({ id, secret }: { id: string; secret: string }) => ({
  client_id: id,
  client_secret: secret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'read',
})

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: Object.values(PEER_CLIENTS).map(client),
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' }] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  scopes: ['read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // RFC 8707: every token is for one API, whose settings pick the format: JWT (RFC 9068) or opaque per client.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => PEER_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx: unknown, _resource: string, requester: { clientId: string }) => ({
        scope: 'read',
        audience: PEER_RESOURCE,
        accessTokenTTL: 600,
        ...(requester.clientId === PEER_CLIENTS.opaque.id
          ? { accessTokenFormat: 'opaque' }
          : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      }),
    },
  },
})
provider.listen(port, '127.0.0.1')
