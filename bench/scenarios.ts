import { randomBytes } from 'node:crypto'
import { dpopKey, dpopProof } from '../test/support/dpop.ts'
import { SIGNED_IN_CONNECTIONS } from './browser.ts'
import { formPost, tokenField } from './http.ts'
import { fullCodeFlow } from './keyward-flow.ts'
import type { Workload } from './load/sample.ts'
import {
  BENCH_RESOURCE,
  clientOf,
  flowOf,
  type Need,
  type Role,
  type ServerUnderTest,
  signIn,
} from './server.ts'

export const SCENARIO_NAMES = [
  'client-credentials-jwt',
  'client-credentials-opaque',
  'client-credentials-dpop',
  'client-credentials-resource',
  'introspection',
  'userinfo',
  'refresh-rotation',
  'authorization-code-flow',
  'oidc-code-flow',
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
  /**
   * The share of --duration (and --warm-up) each round lasts, at least a second: the later scenarios run
   * shorter rounds, so that the whole bench stays near twenty minutes.
   */
  readonly durationShare: number
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

/** Where the peer stores what it issues, it also runs on Redis: durable against durable. */
const EVERYONE_DURABLE_PEER_TOO: ReadonlySet<Role> = new Set([...EVERYONE, 'durable-peer'])

/** The OpenID Connect scenarios: Keyward and both peers, the limit left out to keep the bench short. */
const OPENID_SERVERS: ReadonlySet<Role> = new Set(['peer', 'durable-peer', 'keyward'])

/** Rounds of the scenarios added for issue 14 last 0.3 × --duration: 3 s in a full run. */
const SHORT_ROUNDS = 0.3

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
    // JWT access tokens are not stored: the peer on Redis would do the same work as in memory.
    roles: role === 'jwt' ? new Set([...EVERYONE, 'reference']) : EVERYONE_DURABLE_PEER_TOO,
    needs: [role],
    connections: null,
    durationShare: 1,
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

/**
 * `count` live refresh tokens, one grant each, for the rotation scenario to spend one per request: one browser
 * signs in and consents once, then runs the code flow again and again on its session.
 */
async function issueRefreshTokens(server: ServerUnderTest, origin: string, count: number): Promise<string[]> {
  const browser = await signIn(server, origin, 'read')
  const tokens: string[] = []
  try {
    const worker = async () => {
      while (tokens.length < count) {
        const { refreshToken } = await browser.codeFlow()
        if (refreshToken === null) throw new Error(`${server.name} issued no refresh token`)
        tokens.push(refreshToken)
      }
    }
    await Promise.all(Array.from({ length: SIGNED_IN_CONNECTIONS }, worker))
    return tokens
  } finally {
    browser.close()
  }
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
    durationShare: 1,
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
    name: 'client-credentials-resource',
    unit: 'req/s',
    // The peer's resource-server tokens are JWTs here too, never stored: the peer on Redis would add nothing.
    roles: new Set(['peer', 'keyward']),
    needs: ['jwt', 'resource'],
    connections: null,
    durationShare: SHORT_ROUNDS,
    // RFC 8707 §2: the JWT client asks for a token for one registered API and the scope that API defines; the
    // server checks the resource, the scope against it, and puts the API in aud.
    workload: async (server) => ({
      kind: 'repeat',
      request: formPost(server.paths.token, clientOf(server, 'jwt'), {
        grant_type: 'client_credentials',
        scope: 'write',
        resource: BENCH_RESOURCE,
      }),
    }),
  },
  {
    kind: 'load',
    name: 'introspection',
    unit: 'req/s',
    roles: EVERYONE_DURABLE_PEER_TOO,
    needs: ['opaque', 'introspector'],
    connections: null,
    durationShare: 1,
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
    name: 'userinfo',
    unit: 'req/s',
    roles: OPENID_SERVERS,
    needs: ['flow'],
    connections: null,
    durationShare: SHORT_ROUNDS,
    // OpenID Connect Core §5.3: GET with the access token of a code flow granted openid, as Bearer (RFC 6750
    // §2.1); the same token all round, fetched fresh before each (access tokens live 10 minutes).
    workload: async (server, origin) => {
      const browser = await signIn(server, origin, 'openid')
      try {
        const { accessToken } = await browser.codeFlow()
        return {
          kind: 'repeat',
          request: {
            method: 'GET',
            path: server.paths.userinfo,
            headers: { authorization: `Bearer ${accessToken}` },
          },
        }
      } finally {
        browser.close()
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
    durationShare: 1,
    // Every request spends its own refresh token (each rotates once), issued before the round from as many
    // grants: the round's length follows from the last round's rate.
    workload: async (server, origin, plan) => {
      const account = flowOf(server)
      const count = singleUseCount(plan)
      const tokens =
        server.role === 'limit'
          ? Array.from({ length: count }, dummyToken)
          : await issueRefreshTokens(server, origin, count)
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
    durationShare: 1,
    workload: async (server, origin) => ({
      kind: 'flows',
      concurrency: FLOW_CONCURRENCY,
      flow: () => fullCodeFlow(origin, flowOf(server)),
    }),
  },
  {
    kind: 'load',
    name: 'oidc-code-flow',
    unit: 'flows/s',
    roles: OPENID_SERVERS,
    needs: ['flow'],
    connections: SIGNED_IN_CONNECTIONS,
    durationShare: SHORT_ROUNDS,
    // OpenID Connect Core §3.1 on a browser signed in before the round (the sign-in is not measured): the
    // authorization request (scope openid, nonce, PKCE) straight to the code, then the token request, whose
    // answer carries an ID token, an access token and a refresh token. As many flows at once as the browser
    // has connections.
    workload: async (server, origin) => {
      const browser = await signIn(server, origin, 'openid')
      return {
        kind: 'flows',
        concurrency: SIGNED_IN_CONNECTIONS,
        flow: async () => {
          const { idToken } = await browser.codeFlow()
          if (idToken === null) throw new Error(`${server.name} answered the code without an ID token`)
        },
        close: () => browser.close(),
      }
    },
  },
  { kind: 'startup', name: 'cold-start', unit: 'ms', roles: EVERYONE_DURABLE_PEER_TOO, needs: [] },
]
