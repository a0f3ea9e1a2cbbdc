import type { ChildServer } from './child.ts'
import type { Credentials } from './http.ts'

export const SERVER_NAMES = [
  'limit',
  'fastify-es256',
  'oidc-provider',
  'keyward-sqlite',
  'keyward-postgres',
] as const
export type ServerName = (typeof SERVER_NAMES)[number]

/**
 * The limit is the ceiling (node:http doing nothing), the reference the floor of a JWT request (Fastify and one
 * ES256 signature, nothing else), the peer the comparison, Keyward the subject.
 */
export type Role = 'limit' | 'reference' | 'peer' | 'keyward'

export const ROLE_OF: Readonly<Record<ServerName, Role>> = {
  limit: 'limit',
  'fastify-es256': 'reference',
  'oidc-provider': 'peer',
  'keyward-sqlite': 'keyward',
  'keyward-postgres': 'keyward',
}

/** What a scenario asks of a server before it starts: which clients (and the user) must exist. */
export type Need = 'jwt' | 'opaque' | 'introspector' | 'flow'

export interface ServerPaths {
  readonly token: string
  readonly introspection: string
}

/** The code flow's client and the person who signs in (Keyward only). */
export interface FlowAccount {
  readonly client: Credentials & { readonly redirectUri: string }
  readonly user: { readonly username: string; readonly password: string }
}

/**
 * The clients scenarios call as: `jwt` and `opaque` get client-credentials tokens in that format, and
 * `introspector` is a resource server allowed to introspect tokens issued to other clients (RFC 7662 §2.1).
 */
export type ClientRole = Exclude<Need, 'flow'>
export type ServerClients = Readonly<Partial<Record<ClientRole, Credentials>>>

export interface ServerUnderTest {
  readonly name: ServerName
  readonly role: Role
  readonly paths: ServerPaths
  /** Only the clients the selected scenarios need are there. */
  readonly clients: ServerClients
  readonly flow: FlowAccount | null
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
