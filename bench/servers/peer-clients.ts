/** The peer's clients are configuration, not records: the bench and the peer server share them from here. */
export const PEER_CLIENTS = {
  jwt: { id: 'bench-jwt', secret: 'bench-jwt-secret-0123456789abcdef' },
  opaque: { id: 'bench-opaque', secret: 'bench-opaque-secret-0123456789abcdef' },
  introspector: { id: 'bench-api', secret: 'bench-api-secret-0123456789abcdef' },
} as const

/** The resource every peer token is for (RFC 8707), so that oidc-provider issues resource-server tokens. */
export const PEER_RESOURCE = 'https://api.bench.example'
