import { setTimeout as delay } from 'node:timers/promises'
import { basicAuthorization } from '../../support/oauth-client.ts'

/** Longer than any configured database timeout: a request still unanswered by then is a hang. */
export const REQUEST_TIMEOUT_MS = 15_000

export interface Credentials {
  readonly id: string
  readonly secret: string
}

export interface Reply {
  readonly status: number
  readonly body: Record<string, unknown>
  /** Why fetch failed (the server gone, or no answer within REQUEST_TIMEOUT_MS), when status is 0. */
  readonly failure?: string
}

/** POSTs a form authenticated with Basic; a request with no answer in time gives status 0, never a hang. */
export async function post(
  issuer: string,
  path: string,
  client: Credentials,
  form: Readonly<Record<string, string>>,
): Promise<Reply> {
  try {
    const response = await fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(client.id, client.secret) },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await response.text()
    let body: Record<string, unknown>
    try {
      body = JSON.parse(text) as Record<string, unknown>
    } catch {
      body = { text: text.slice(0, 200) }
    }
    return { status: response.status, body }
  } catch (error) {
    return { status: 0, body: {}, failure: String((error as Error).cause ?? error) }
  }
}

/** One answered request of the load, labelled with the phase of the fault it was sent in. */
export interface Outcome {
  readonly phase: string
  readonly operation: 'client_credentials' | 'introspect' | 'refresh'
  readonly status: number
  readonly error: unknown
  readonly failure?: string
  /** invalid_grant for a token whose previous refresh answered 503 but committed (see Chain.spent). */
  readonly spent?: true
}

/** A refresh token chain: each successful refresh replaces the token with the rotated one. */
export interface Chain {
  token: string
  /** The last refresh answered 503: its rotation may have committed just before the connection went. */
  uncertain: boolean
  /**
   * The retry of a refresh that answered 503 was refused as reuse: its rotation landed, its answer was lost, and
   * the retry was not told from a thief's. The chain is over. Keyward must never let this happen.
   */
  spent: boolean
}

export function chain(token: string): Chain {
  return { token, uncertain: false, spent: false }
}

export interface MixedLoadSetup {
  readonly issuer: string
  readonly service: Credentials
  readonly resourceServer: Credentials
  readonly app: Credentials
  readonly chains: readonly Chain[]
  readonly workers: number
}

export interface MixedLoad {
  /** The label the next outcomes get. */
  phase: string
  readonly outcomes: Outcome[]
  /** Ends the loop and waits for the requests in flight. */
  stop(): Promise<void>
}

/** Upper bound on the requests one load sends: the loop ends by itself even if nobody stops it. */
const MAX_REQUESTS = 20_000

/**
 * Client credentials, introspection of the token it got, and refreshes along each chain (the first workers
 * own one chain each; the others introspect instead), round and round from `workers` concurrent loops.
 */
export function startMixedLoad(setup: MixedLoadSetup): MixedLoad {
  let running = true
  let sent = 0
  let lastAccessToken = ''
  const load: MixedLoad = { phase: 'before', outcomes: [], stop: async () => {} }
  const record = (operation: Outcome['operation'], reply: Reply, phase: string, spent = false) => {
    load.outcomes.push({
      phase,
      operation,
      status: reply.status,
      error: reply.body.error,
      ...(reply.failure === undefined ? {} : { failure: reply.failure }),
      ...(spent ? { spent } : {}),
    })
  }

  const worker = async (index: number) => {
    // One worker per chain: two spending one token at once would be a reuse, which revokes the grant.
    const chain = setup.chains[index]
    for (let step = index; running && sent < MAX_REQUESTS; step++) {
      sent++
      const phase = load.phase
      const kind = step % 3
      let reply: Reply
      if (kind === 0) {
        reply = await post(setup.issuer, '/token', setup.service, { grant_type: 'client_credentials' })
        if (reply.status === 200) lastAccessToken = String(reply.body.access_token)
        record('client_credentials', reply, phase)
      } else if (kind === 1 || chain === undefined || chain.spent) {
        reply = await post(setup.issuer, '/introspect', setup.resourceServer, {
          token: lastAccessToken || 'none',
        })
        record('introspect', reply, phase)
      } else {
        reply = await post(setup.issuer, '/token', setup.app, {
          grant_type: 'refresh_token',
          refresh_token: chain.token,
        })
        if (reply.status === 200) chain.token = String(reply.body.refresh_token)
        chain.spent = chain.uncertain && reply.body.error === 'invalid_grant'
        chain.uncertain = reply.status === 503
        record('refresh', reply, phase, chain.spent)
      }
      // Failures come back at once during an outage: a pause keeps the loop from spinning through its budget.
      if (reply.status !== 200) await delay(20)
    }
  }
  const done = Promise.all(Array.from({ length: setup.workers }, (_, index) => worker(index)))
  load.stop = async () => {
    running = false
    await done
  }
  return load
}

/** Waits until `count` outcomes of `phase` have come in, or `timeoutMs` has passed. */
export async function outcomesOf(
  load: MixedLoad,
  phase: string,
  count: number,
  timeoutMs: number,
): Promise<Outcome[]> {
  const of = () => load.outcomes.filter((outcome) => outcome.phase === phase)
  for (const deadline = Date.now() + timeoutMs; of().length < count && Date.now() < deadline;) {
    await delay(20)
  }
  return of()
}

/** How many outcomes have each `status error` label, for assertion messages and the report. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const outcome of outcomes) {
    const label =
      `${outcome.status} ${String(outcome.error ?? outcome.failure ?? '')}${outcome.spent ? ' (spent)' : ''}`.trim()
    counts[label] = (counts[label] ?? 0) + 1
  }
  return counts
}
