import fc from 'fast-check'
import { type RawOutcome, rawExchange } from '../../support/raw-http.ts'
import type { TestServer } from '../../support/server.ts'
import { type FuzzRequest, serialize, validRequests } from './corpus.ts'
import { fuzzCase, mutate } from './mutations.ts'
import { expectedShape, mayAllowCors, problemsOf } from './oracle.ts'
import { damage, rawCase } from './raw-mutations.ts'

export interface FuzzOptions {
  readonly seed: number
  /** Mutated, well-formed requests. */
  readonly requests: number
  /** Byte-damaged requests over raw sockets. */
  readonly raw: number
  /** Requests in flight at once. */
  readonly concurrency: number
}

export interface FuzzReport {
  readonly sent: number
  /** How many answers of each status ('closed' when the server dropped the connection). */
  readonly statuses: ReadonlyMap<string, number>
  /** Broken rules, each with a few of the requests that broke it. */
  readonly violations: ReadonlyMap<string, { count: number; examples: string[] }>
}

/** Each request comes from its own loopback address, so that per-address rate limits do not answer them all. */
const loopback = (source: number) => `127.0.${1 + (source >> 8)}.${1 + ((source & 0xff) % 254)}`

async function inPool<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T
      await work(item)
    }
  }
  await Promise.all(Array.from({ length: width }, worker))
}

/** How an exchange ended, as the report shows it: the status and the start of the body, or closed or hung. */
function shown(outcome: RawOutcome): { status: string; text: string } {
  if (outcome.kind !== 'response') return { status: outcome.kind, text: outcome.kind }
  const { status, body } = outcome.response
  return { status: String(status), text: `${status} ${body.toString('utf8').slice(0, 160)}` }
}

const opsOf = (mutations: readonly { op: string }[]) => mutations.map((change) => change.op).join('+')

/**
 * Sends seeded mutations of valid requests, then byte-damaged ones over raw sockets, and checks each answer
 * against the oracle: no 5xx, security headers, RFC 6749 JSON or an HTML page as the route calls for, and CORS
 * headers only where browser apps call.
 */
export async function fuzz(server: TestServer, options: FuzzOptions): Promise<FuzzReport> {
  const port = Number(new URL(server.issuer).port)
  const corpus = await validRequests(server)
  const base = (index: number) => corpus[index % corpus.length] as FuzzRequest
  const statuses = new Map<string, number>()
  const violations = new Map<string, { count: number; examples: string[] }>()
  const record = (outcome: RawOutcome, problems: readonly string[], what: string) => {
    const { status, text } = shown(outcome)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
    for (const problem of problems) {
      const entry = violations.get(problem) ?? { count: 0, examples: [] }
      entry.count++
      if (entry.examples.length < 5) entry.examples.push(`${what} → ${text}`)
      violations.set(problem, entry)
    }
  }

  const cases = fc.sample(fuzzCase, { seed: options.seed, numRuns: options.requests })
  await inPool(cases, options.concurrency, async (fuzzed) => {
    const request = fuzzed.mutations.reduce(mutate, base(fuzzed.base))
    const bytes = serialize(request)
    const head = request.method === 'HEAD'
    const outcome = await rawExchange(port, bytes, { localAddress: loopback(fuzzed.source), head })
    const expectation = {
      shape: expectedShape(request, bytes.indexOf('\r\n\r\n')),
      head,
      mayClose: false,
      cors: mayAllowCors(request),
    }
    const problems = problemsOf(outcome, expectation).map((problem) => `mutated: ${problem}`)
    record(outcome, problems, `${request.method} ${request.path} [${opsOf(fuzzed.mutations)}]`)
  })

  const rawCases = fc.sample(rawCase, { seed: options.seed + 1, numRuns: options.raw })
  await inPool(rawCases, options.concurrency, async (fuzzed) => {
    const original = base(fuzzed.base)
    const bytes = fuzzed.mutations.reduce(damage, serialize(original))
    const source = loopback(fuzzed.source)
    const outcome = await rawExchange(port, bytes, { localAddress: source, endAfterWrite: true })
    const expectation = {
      shape: 'either',
      head: false,
      mayClose: true,
      cors: mayAllowCors(original),
    } as const
    const problems = problemsOf(outcome, expectation).map((problem) => `raw: ${problem}`)
    const line = bytes.subarray(0, 80).toString('latin1').split('\r\n', 1)[0]
    record(outcome, problems, `raw ${JSON.stringify(line)} [${opsOf(fuzzed.mutations)}]`)
  })

  return { sent: cases.length + rawCases.length, statuses, violations }
}
