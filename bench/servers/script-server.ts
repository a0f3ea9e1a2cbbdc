import { Redis } from 'ioredis'
import { freePort, launch } from '../child.ts'
import { signInPeer } from '../peer-flow.ts'
import { FLOW_REDIRECT_URI, type ServerPaths, type ServerUnderTest, type SetupOptions } from '../server.ts'
import { PEER_CLIENTS, PEER_FLOW, PEER_REDIS } from './peer-clients.ts'

/** What describes a server run from one script that needs no provisioning: the limit, the reference, the peer. */
type ScriptServerSpec = Omit<ServerUnderTest, 'name' | 'start' | 'dispose'> & {
  /** Answered with 200 once the server is ready. */
  readonly readyPath: string
  /** Its own settings, beside BENCH_PORT. */
  readonly env: Readonly<Record<string, string>>
}

/** Keyward's paths, which the limit and the reference answer too. */
const KEYWARD_PATHS: ServerPaths = { token: '/token', introspection: '/introspect', userinfo: '/userinfo' }

/** The peer, on its in-memory adapter or on Redis: the same configuration, clients and routes. */
const PEER: Omit<ScriptServerSpec, 'role' | 'env'> = {
  readyPath: '/.well-known/openid-configuration',
  // oidc-provider's default routes.
  paths: { token: '/token', introspection: '/token/introspection', userinfo: '/me' },
  clients: PEER_CLIENTS,
  flow: PEER_FLOW,
  signIn: (origin, scope) => signInPeer(origin, PEER_FLOW, scope),
}

/** The limit and the reference take any request; their callers send the same headers and bodies as to the others. */
const LIMIT_CLIENT = { id: 'limit-client', secret: 'limit-secret-0123456789abcdefghijk' }
const REFERENCE_CLIENT = { id: 'reference-client', secret: 'reference-secret-0123456789abcdefgh' }

type ScriptServerName = 'limit' | 'fastify-es256' | 'oidc-provider' | 'oidc-provider-redis'

const SCRIPT_SERVERS: Readonly<Record<ScriptServerName, ScriptServerSpec>> = {
  /** The limit: node:http answering any request at once (limit-server.ts), run like every other server. */
  limit: {
    role: 'limit',
    readyPath: '/',
    env: {},
    paths: KEYWARD_PATHS,
    clients: { jwt: LIMIT_CLIENT, opaque: LIMIT_CLIENT, introspector: LIMIT_CLIENT },
    flow: {
      client: { ...LIMIT_CLIENT, redirectUri: FLOW_REDIRECT_URI },
      user: { username: 'limit', password: 'limit-password' },
    },
    signIn: null,
  },
  /** The reference (reference-server.ts): Fastify signing one ES256 JWT per request, run like every other server. */
  'fastify-es256': {
    role: 'reference',
    readyPath: '/',
    env: {},
    paths: KEYWARD_PATHS,
    clients: { jwt: REFERENCE_CLIENT },
    flow: null,
    signIn: null,
  },
  /** The peer: oidc-provider with its clients in configuration, so nothing to provision; in memory. */
  'oidc-provider': { ...PEER, role: 'peer', env: {} },
  /** The peer on Redis (peer-redis-adapter.ts), in a database and under a prefix of its own. */
  'oidc-provider-redis': {
    ...PEER,
    role: 'durable-peer',
    env: { BENCH_PEER_REDIS_URL: PEER_REDIS.url, BENCH_PEER_REDIS_PREFIX: PEER_REDIS.prefix },
  },
}

/**
 * Deletes the peer's keys on Redis, and only those: every process of the peer on Redis starts on an empty store,
 * as every new process of the peer in memory does.
 */
async function emptyPeerRedis(): Promise<void> {
  const redis = new Redis(PEER_REDIS.url, { maxRetriesPerRequest: 1 })
  try {
    for await (const keys of redis.scanStream({ match: `${PEER_REDIS.prefix}*`, count: 1000 }))
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]))
  } finally {
    redis.disconnect()
  }
}

/** Sets up the limit, the reference or the peer: nothing to provision, a fresh process per scenario. */
export async function setUpScriptServer(
  name: ScriptServerName,
  options: SetupOptions,
): Promise<ServerUnderTest> {
  const { readyPath, env, ...server } = SCRIPT_SERVERS[name]
  // Each runs bench/servers/<role>-server.ts (both peers peer-server.ts), which listens on 127.0.0.1 at the port
  // in BENCH_PORT.
  const script = `bench/servers/${server.role === 'durable-peer' ? 'peer' : server.role}-server.ts`
  const port = await freePort()
  const onRedis = name === 'oidc-provider-redis'
  return {
    ...server,
    name,
    start: async () => {
      if (onRedis) await emptyPeerRedis()
      return launch({
        args: [script],
        env: { ...env, BENCH_PORT: String(port) },
        port,
        readyPath,
        pinned: options.pinned,
      })
    },
    dispose: async () => {
      if (onRedis) await emptyPeerRedis()
    },
  }
}
