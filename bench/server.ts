import type { ChildServer } from './child.ts'
import type { Credentials } from './http.ts'

export const SERVER_NAMES = [
  'limit',
  'fastify-es256',
  'oidc-provider',
  'oidc-provider-redis',
  'keyward-sqlite',
  'keyward-postgres',
] as const
export type ServerName = (typeof SERVER_NAMES)[number]

/**
 * The limit is the ceiling (node:http doing nothing), the reference the floor of a JWT request (Fastify and one
 * ES256 signature, nothing else), the peer the comparison, Keyward the subject. The durable peer is the peer on
 * Redis: it runs only where the peer stores something, as a JWT access token is never stored.
 */
export type Role = 'limit' | 'reference' | 'peer' | 'durable-peer' | 'keyward'

export const ROLE_OF: Readonly<Record<ServerName, Role>> = {
  limit: 'limit',
  'fastify-es256': 'reference',
  'oidc-provider': 'peer',
  'oidc-provider-redis': 'durable-peer',
  'keyward-sqlite': 'keyward',
  'keyward-postgres': 'keyward',
}

/**
 * What a scenario asks of a server before it starts: which clients (and the user) must exist, and `resource`
 * the registered API of the resource-bound scenario.
 */
export type Need = 'jwt' | 'opaque' | 'introspector' | 'flow' | 'resource'

export interface ServerPaths {
  readonly token: string
  readonly introspection: string
  readonly userinfo: string
}

/** The code flow's client and the person who signs in (Keyward and the peer). */
export interface FlowAccount {
  readonly client: Credentials & { readonly redirectUri: string }
  readonly user: { readonly username: string; readonly password: string }
}

/** What the token endpoint answered at the end of one code flow. */
export interface CodeFlowTokens {
  readonly accessToken: string
  /** Present when the flow asked for `openid` (OpenID Connect Core §3.1.3.3). */
  readonly idToken: string | null
  readonly refreshToken: string | null
}

/**
 * A browser that signed in and consented once: each code flow on its session goes from the authorization
 * request straight to the code (no page shown), then to the token endpoint. Close it to free its connections.
 */
export interface SignedInBrowser {
  codeFlow(): Promise<CodeFlowTokens>
  close(): void
}

/** Where the code flow's browser is sent back to; nothing listens there, the bench reads the Location. */
export const FLOW_REDIRECT_URI = 'http://127.0.0.1:9/callback'

/** The RFC 8707 resource every resource-bound token is for: registered at Keyward, configured at the peer. */
export const BENCH_RESOURCE = 'https://api.bench.example'

/**
 * The clients scenarios call as: `jwt` and `opaque` get client-credentials tokens in that format, and
 * `introspector` is a resource server allowed to introspect tokens issued to other clients (RFC 7662 §2.1).
 */
export type ClientRole = Exclude<Need, 'flow' | 'resource'>
export type ServerClients = Readonly<Partial<Record<ClientRole, Credentials>>>

export interface ServerUnderTest {
  readonly name: ServerName
  readonly role: Role
  readonly paths: ServerPaths
  /** Only the clients the selected scenarios need are there. */
  readonly clients: ServerClients
  readonly flow: FlowAccount | null
  /**
   * Signs a new browser in as the flow account and consents to `scope` once (Keyward and the peer, each through
   * its own pages); null where no one signs in (the limit, the reference).
   */
  readonly signIn: ((origin: string, scope: string) => Promise<SignedInBrowser>) | null
  /** Starts a fresh process over the same data; each scenario starts its own (`scenario` names its profile). */
  start(scenario: string): Promise<ChildServer>
  /** Removes what setting up left behind (temporary directory, database). */
  dispose(): Promise<void>
}

/** Only what the selected scenarios need is provisioned: each CLI call is a process start. */
export interface SetupOptions {
  readonly needs: ReadonlySet<Need>
  readonly pinned: boolean
  readonly cpuProf: boolean
}

export function clientOf(server: ServerUnderTest, role: ClientRole): Credentials {
  const client = server.clients[role]
  if (client === undefined)
    throw new Error(`${server.name} has no ${role} client: the scenario did not ask for it`)
  return client
}

export function flowOf(server: ServerUnderTest): FlowAccount {
  if (server.flow === null) throw new Error(`${server.name} has no code-flow client`)
  return server.flow
}

export function signIn(server: ServerUnderTest, origin: string, scope: string): Promise<SignedInBrowser> {
  if (server.signIn === null) throw new Error(`${server.name} has no one to sign in`)
  return server.signIn(origin, scope)
}
