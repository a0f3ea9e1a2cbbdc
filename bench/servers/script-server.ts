import { freePort, launch } from '../child.ts'
import type { ServerPaths, ServerUnderTest, SetupOptions } from '../server.ts'
import { PEER_CLIENTS } from './peer-clients.ts'

/** What describes a server run from one script that needs no provisioning: the limit, the reference, the peer. */
type ScriptServerSpec = Omit<ServerUnderTest, 'name' | 'start' | 'dispose'> & {
  /** Answered with 200 once the server is ready. */
  readonly readyPath: string
}

/** Keyward's paths, which the limit and the reference answer too. */
const KEYWARD_PATHS: ServerPaths = { token: '/token', introspection: '/introspect' }

/** The limit and the reference take any request; their callers send the same headers and bodies as to the others. */
const LIMIT_CLIENT = { id: 'limit-client', secret: 'limit-secret-0123456789abcdefghijk' }
const REFERENCE_CLIENT = { id: 'reference-client', secret: 'reference-secret-0123456789abcdefgh' }

const SCRIPT_SERVERS: Readonly<Record<'limit' | 'fastify-es256' | 'oidc-provider', ScriptServerSpec>> = {
  /** The limit: node:http answering any request at once (limit-server.ts), run like every other server. */
  limit: {
    role: 'limit',
    readyPath: '/',
    paths: KEYWARD_PATHS,
    clients: { jwt: LIMIT_CLIENT, opaque: LIMIT_CLIENT, introspector: LIMIT_CLIENT },
    flow: {
      client: { ...LIMIT_CLIENT, redirectUri: 'http://127.0.0.1:9/callback' },
      user: { username: 'limit', password: 'limit-password' },
    },
  },
  /** The reference (reference-server.ts): Fastify signing one ES256 JWT per request, run like every other server. */
  'fastify-es256': {
    role: 'reference',
    readyPath: '/',
    paths: KEYWARD_PATHS,
    clients: { jwt: REFERENCE_CLIENT },
    flow: null,
  },
  /** The peer: oidc-provider with its clients in configuration, so nothing to provision. */
  'oidc-provider': {
    role: 'peer',
    readyPath: '/.well-known/openid-configuration',
    // oidc-provider's default routes.
    paths: { token: '/token', introspection: '/token/introspection' },
    clients: PEER_CLIENTS,
    flow: null,
  },
}

/** Sets up the limit, the reference or the peer: nothing to provision, a fresh process per scenario. */
export async function setUpScriptServer(
  name: keyof typeof SCRIPT_SERVERS,
  options: SetupOptions,
): Promise<ServerUnderTest> {
  const { readyPath, ...server } = SCRIPT_SERVERS[name]
  // Each runs bench/servers/<role>-server.ts, which listens on 127.0.0.1 at the port in BENCH_PORT.
  const script = `bench/servers/${server.role}-server.ts`
  const port = await freePort()
  return {
    ...server,
    name,
    start: () =>
      launch({ args: [script], env: { BENCH_PORT: String(port) }, port, readyPath, pinned: options.pinned }),
    dispose: async () => {},
  }
}
