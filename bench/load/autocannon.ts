import autocannon, { type Request, type Result } from 'autocannon'
import type { HttpRequest } from '../http.ts'
import type { Sample, Workload } from './sample.ts'

const toRequest = ({ method, path, headers, body }: HttpRequest): Request =>
  body === undefined ? { method, path, headers } : { method, path, headers, body }

/**
 * One round with autocannon, in this process (pinned to the load core): a repeated request for `seconds`, or
 * each request once, the next one pulled from the queue as a connection becomes free.
 */
export async function autocannonRound(
  origin: string,
  workload: Extract<Workload, { kind: 'repeat' | 'each-once' }>,
  options: { readonly connections: number; readonly seconds: number },
): Promise<Sample> {
  const common = { url: origin, connections: options.connections, timeout: 30 }
  if (workload.kind === 'repeat') {
    const result = await autocannon({
      ...common,
      duration: options.seconds,
      requests: [toRequest(workload.request)],
    })
    return sampleOf(result, result.duration)
  }
  const { requests } = workload
  let next = 0
  // Past the end the last request goes again: a spent token, counted as an error rather than hidden.
  const take = (defaults: Request): Request => ({
    ...defaults,
    ...toRequest(requests[Math.min(next++, requests.length - 1)] as HttpRequest),
  })
  const started = performance.now()
  let lastResponse = started
  const result = await autocannon({
    ...common,
    connections: Math.min(options.connections, requests.length),
    amount: requests.length,
    requests: [{ setupRequest: take }],
  }).on('response', () => {
    lastResponse = performance.now()
  })
  // autocannon notices the end at its next one-second tick: the last response is when the work ended.
  return sampleOf(result, (lastResponse - started) / 1000)
}

function sampleOf(result: Result, seconds: number): Sample {
  const failures = Object.entries(result.statusCodeStats)
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, { count }]) => `${count} × HTTP ${status}`)
  if (result.errors > 0) failures.push(`${result.errors} socket errors (${result.timeouts} timeouts)`)
  return {
    ...(failures.length === 0 ? {} : { failure: failures.join(', ') }),
    rate: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    completed: result.requests.total,
    seconds,
  }
}
