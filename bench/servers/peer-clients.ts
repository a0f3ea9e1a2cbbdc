import { FLOW_REDIRECT_URI, type FlowAccount } from '../server.ts'

/** The peer's clients are configuration, not records: the bench and the peer server share them from here. */
export const PEER_CLIENTS = {
  jwt: { id: 'bench-jwt', secret: 'bench-jwt-secret-0123456789abcdef' },
  opaque: { id: 'bench-opaque', secret: 'bench-opaque-secret-0123456789abcdef' },
  introspector: { id: 'bench-api', secret: 'bench-api-secret-0123456789abcdef' },
} as const

/**
 * The peer's code-flow client and person. Its development sign-in page (the only one it ships) takes any login
 * and password: the bench signs in once per round and measures flows on the session, never the sign-in.
 */
export const PEER_FLOW: FlowAccount = {
  client: { id: 'bench-web', secret: 'bench-web-secret-0123456789abcdef', redirectUri: FLOW_REDIRECT_URI },
  user: { username: 'bench', password: 'any' },
}

/** Where the peer keeps its records on Redis: its own database and key prefix, emptied before every start. */
export const PEER_REDIS = {
  url: 'redis://127.0.0.1:6379/15',
  prefix: 'keyward-bench:oidc-provider:',
} as const
