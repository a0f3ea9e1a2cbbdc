import { randomBytes } from 'node:crypto'
import { dpopKey, dpopProof } from '../test/support/dpop.ts'
import { formPost, tokenField } from './http.ts'
import { fullCodeFlow, issueRefreshTokens } from './keyward-flow.ts'
import type { Workload } from './load/sample.ts'
import { clientOf, type FlowAccount, type Need, type Role, type ServerUnderTest } from './server.ts'

export const SCENARIO_NAMES = [
  'client-credentials-jwt',
  'client-credentials-opaque',
  'client-credentials-dpop',
  'introspection',
  'refresh-rotation',
  'authorization-code-flow',
  'cold-start',
] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

/** What a scenario knows when it prepares a round on one server. */
export interface RoundPlan {
  readonly seconds: number
  readonly connections: number
  /** Completed requests per second of this server's previous round of this scenario; null before any. */
  readonly lastRate: number | null
}

export interface LoadScenario {
  readonly kind: 'load'
  readonly name: ScenarioName
  readonly unit: 'req/s' | 'flows/s'
  readonly roles: ReadonlySet<Role>
  readonly needs: readonly Need[]
  /** Fixed concurrency, or null for --connections. */
  readonly connections: number | null
  /** Prepares one round: fetches or issues what its requests carry. */
  workload(server: ServerUnderTest, origin: string, plan: RoundPlan): Promise<Workload>
}

/** Process start to the first metadata response, and the resident memory once started. */
export interface StartupScenario {
  readonly kind: 'startup'
  readonly name: ScenarioName
  readonly unit: 'ms'
  readonly roles: ReadonlySet<Role>
  readonly needs: readonly Need[]
}

export type Scenario = LoadScenario | StartupScenario

const EVERYONE: ReadonlySet<Role> = new Set(['limit', 'peer', 'keyward'])

/** The code flow runs at a person's pace, not a load balancer's. */
const FLOW_CONCURRENCY = 4

/** Refresh tokens issued per round beyond the expected need, so that a round does not run dry. */
const TOKEN_MARGIN = 1.25

function clientCredentials(name: ScenarioName, role: 'jwt' | 'opaque'): LoadScenario {
  return {
    kind: 'load',
    name,
    unit: 'req/s',
    // The reference signs a JWT: it is the floor of this one scenario only.
    roles: role === 'jwt' ? new Set([...EVERYONE, 'reference']) : EVERYONE,
    needs: [role],
    connections: null,
    workload: async (server) => ({
      kind: 'repeat',
      request: formPost(server.paths.token, clientOf(server, role), {
        grant_type: 'client_credentials',
        scope: 'read',
      }),
    }),
  }
}

/** How many single-use values a round spends: its previous round's rate × its length, with a margin. */
function singleUseCount(plan: RoundPlan): number {
  return plan.lastRate === null
    ? plan.connections * 20
    : Math.ceil(plan.lastRate * plan.seconds * TOKEN_MARGIN) + plan.connections
}

/**
 * RFC 9449 §4.2: a fresh proof for each request (its own jti, iat now) by one client key. They are signed before
 * the round, on the load core, so that the round measures the server checking proofs, not the client making them
 * (about one ES256 signature each, which a real client pays once per request too). Proofs live 120 s at Keyward,
 * so a round must end within two minutes of its preparation.
 */
async function dpopProofs(htu: string, count: number): Promise<string[]> {
  const key = await dpopKey()
  const proofs: string[] = []
  for (let made = 0; made < count; made++) proofs.push(await dpopProof(key, { htu }))
  return proofs
}

/** The limit answers anything, so it gets tokens of the same length and never issues any. */
const dummyToken = () => randomBytes(32).toString('base64url')

function flowOf(server: ServerUnderTest): FlowAccount {
  if (server.flow === null) throw new Error(`${server.name} has no code-flow client`)
  return server.flow
}

export const SCENARIOS: readonly Scenario[] = [
  clientCredentials('client-credentials-jwt', 'jwt'),
  clientCredentials('client-credentials-opaque', 'opaque'),
  {
    kind: 'load',
    name: 'client-credentials-dpop',
    unit: 'req/s',
    // The peer is configured without DPoP; the limit gets the same requests, proofs included.
    roles: new Set(['limit', 'keyward']),
    // The JWT client of client-credentials-jwt, so that the difference between the two is the proof.
    needs: ['jwt'],
    connections: null,
    // Each request carries its own proof (a replayed one is refused), so each is sent once.
    workload: async (server, origin, plan) => {
      const request = formPost(server.paths.token, clientOf(server, 'jwt'), {
        grant_type: 'client_credentials',
        scope: 'read',
      })
      const proofs = await dpopProofs(`${origin}${server.paths.token}`, singleUseCount(plan))
      return {
        kind: 'each-once',
        requests: proofs.map((proof) => ({ ...request, headers: { ...request.headers, dpop: proof } })),
      }
    },
  },
  {
    kind: 'load',
    name: 'introspection',
    unit: 'req/s',
    roles: EVERYONE,
    needs: ['opaque', 'introspector'],
    connections: null,
    // A fresh opaque token each round: access tokens live 10 minutes, longer than a round, shorter than a run.
    workload: async (server, origin) => {
      const token =
        server.role === 'limit'
          ? dummyToken()
          : await tokenField(
              origin,
              formPost(server.paths.token, clientOf(server, 'opaque'), { grant_type: 'client_credentials' }),
              'access_token',
            )
      return {
        kind: 'repeat',
        request: formPost(server.paths.introspection, clientOf(server, 'introspector'), { token }),
      }
    },
  },
  {
    kind: 'load',
    name: 'refresh-rotation',
    unit: 'req/s',
    roles: new Set(['limit', 'keyward']),
    needs: ['flow'],
    connections: null,
    // Every request spends its own refresh token (each rotates once), issued before the round from as many
    // grants: the round's length follows from the last round's rate.
    workload: async (server, origin, plan) => {
      const account = flowOf(server)
      const count = singleUseCount(plan)
      const tokens =
        server.role === 'limit'
          ? Array.from({ length: count }, dummyToken)
          : await issueRefreshTokens(origin, account, count)
      return {
        kind: 'each-once',
        requests: tokens.map((token) =>
          formPost(server.paths.token, account.client, { grant_type: 'refresh_token', refresh_token: token }),
        ),
      }
    },
  },
  {
    kind: 'load',
    name: 'authorization-code-flow',
    unit: 'flows/s',
    roles: new Set(['keyward']),
    needs: ['flow'],
    connections: FLOW_CONCURRENCY,
    workload: async (server, origin) => ({
      kind: 'flows',
      concurrency: FLOW_CONCURRENCY,
      flow: () => fullCodeFlow(origin, flowOf(server)),
    }),
  },
  { kind: 'startup', name: 'cold-start', unit: 'ms', roles: EVERYONE, needs: [] },
]
