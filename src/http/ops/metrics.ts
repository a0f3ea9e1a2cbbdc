import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { type ClientAuthInput, OPAQUE_ACCESS_TOKEN_PREFIX } from '../../core/index.ts'
import type { EndpointResult } from '../../core/model/endpoint-result.ts'
import type { EventSink } from '../../core/ports/events.ts'
import type { ConnectionUse } from '../../core/ports/stores.ts'
import type { WebhookOutcome } from '../../events/webhook.ts'

/** What a node counts for Prometheus, in a registry of its own (never prom-client's global one). */
export interface Metrics {
  readonly registry: Registry
  /** Every HTTP request: its count by route and status is the histogram's `_count`. */
  readonly requests: Histogram<'route' | 'method' | 'status'>
  /** Counts every security event by name: refresh-token reuse, throttle hits, failed sign-ins and the rest. */
  readonly events: EventSink
  /** Counts what became of each event sent to the event webhook: delivered, failed (gave up) or dropped. */
  countWebhook(outcome: WebhookOutcome): void
  /** Counts the access tokens a token request issued, by grant type and format (RFC 9068 JWT or opaque). */
  countTokens(input: ClientAuthInput, result: EndpointResult): void
  /** Counts the access token an authorization response carries: the implicit grant's (RFC 6749 §4.2.2). */
  countImplicitTokens(result: EndpointResult): void
  /**
   * One histogram observation per request, when its reply has gone: the token endpoint's only cost. The route is
   * the pattern it matched (`/device/:code` never the code itself), so the labels stay few.
   */
  observeRequests(app: FastifyInstance): void
  /** Reports the database's connections (`keyward_db_pool_*`), read from `use` at each scrape. */
  observeConnections(use: () => ConnectionUse): void
}

/**
 * Request latency buckets in seconds: the token endpoint answers in about a millisecond, a password check
 * (argon2id) in tens of them, a database outage in seconds (its timeouts).
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function createMetrics(): Metrics {
  const registry = new Registry()
  // Event-loop lag, heap, GC, CPU, file descriptors: prom-client's default Node.js metrics.
  collectDefaultMetrics({ register: registry })
  const requests = new Histogram({
    name: 'keyward_http_request_duration_seconds',
    help: 'HTTP requests by route, method and status, and how long each took to answer',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const tokens = new Counter({
    name: 'keyward_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint, by grant type and format',
    labelNames: ['grant_type', 'format'] as const,
    registers: [registry],
  })
  const events = new Counter({
    name: 'keyward_security_events_total',
    help: 'Security events by name (refresh_token_reused, the throttle hits *_throttled, sign_in_failed, ...)',
    labelNames: ['event'] as const,
    registers: [registry],
  })
  const webhook = new Counter({
    name: 'keyward_event_webhook_total',
    help: 'Security events sent to the event webhook, by outcome: delivered, failed (after every attempt) or dropped',
    labelNames: ['outcome'] as const,
    registers: [registry],
  })
  const countToken = (grantType: string, token: string) =>
    tokens.inc({
      grant_type: grantType,
      format: token.startsWith(OPAQUE_ACCESS_TOKEN_PREFIX) ? 'opaque' : 'jwt',
    })
  return {
    registry,
    requests,
    observeRequests(app) {
      app.addHook('onResponse', (request, reply, done) => {
        requests.observe(
          {
            route: request.routeOptions.url ?? 'unmatched',
            method: request.method,
            status: reply.statusCode,
          },
          reply.elapsedTime / 1000,
        )
        done()
      })
    },
    observeConnections: (use) => registerConnectionMetrics(registry, use),
    events: { emit: (event) => events.inc({ event: event.event }) },
    countWebhook: (outcome) => webhook.inc({ outcome }),
    countTokens(input, result) {
      if (result.kind !== 'json' || result.status !== 200) return
      const token = (result.body as { access_token?: unknown }).access_token
      // A token was issued, so the grant type is one of the registry's: a bounded label.
      if (typeof token === 'string') countToken(input.params.get('grant_type') ?? '', token)
    },
    countImplicitTokens(result) {
      const token = implicitAccessToken(result)
      if (token !== undefined) countToken('implicit', token)
    },
  }
}

/** The access token of an authorization response: in the redirect's fragment, or among the form_post fields. */
function implicitAccessToken(result: EndpointResult): string | undefined {
  if (result.kind === 'redirect') {
    const { hash } = new URL(result.location)
    return hash === '' ? undefined : (new URLSearchParams(hash.slice(1)).get('access_token') ?? undefined)
  }
  if (result.kind === 'page' && result.page.view === 'form-post') return result.page.model.fields.access_token
  return undefined
}

/** Each `keyward_db_pool_*` metric: which figure of ConnectionUse it reports, and what it means. */
const CONNECTION_GAUGES = [
  ['keyward_db_pool_connections', 'open', 'Database connections open, idle or in use'],
  ['keyward_db_pool_idle_connections', 'idle', 'Database connections open and idle'],
  ['keyward_db_pool_waiting_clients', 'waiting', 'Callers waiting for a database connection'],
  ['keyward_db_pool_max_connections', 'max', 'The most database connections the pool opens'],
] as const
const CONNECTION_COUNTERS = [
  [
    'keyward_db_pool_connections_opened_total',
    'opened',
    'Database connections opened, reconnections included',
  ],
  ['keyward_db_pool_connections_lost_total', 'lost', 'Database connections that failed while open'],
  [
    'keyward_db_pool_acquire_failures_total',
    'acquireFailures',
    'Waits for a database connection that ended without one (connect failed or timed out)',
  ],
] as const

/** The database's connections, read from `use` (a few fields, no I/O) at each scrape. */
function registerConnectionMetrics(registry: Registry, use: () => ConnectionUse): void {
  for (const [name, figure, help] of CONNECTION_GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(use()[figure])
      },
    })
  }
  // The driver keeps the running totals; a counter has no set(), so each scrape starts it again at the total.
  for (const [name, figure, help] of CONNECTION_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        this.inc(use()[figure])
      },
    })
  }
}

/** What `/metrics` answers: one process's registry, or the workers' figures aggregated. */
export interface MetricsSource {
  readonly contentType: string
  metrics(): Promise<string>
}

/**
 * In a worker of `keyward start --workers`: answers the primary's requests for this worker's figures (prom-client's
 * cluster messages, over node:cluster's IPC channel) instead of listening on `metricsPort` itself, where each scrape
 * would reach one worker.
 */
export function reportToPrimary(metrics: Metrics): void {
  AggregatorRegistry.setRegistries([metrics.registry])
  // Its constructor installs the worker's side of the exchange.
  new AggregatorRegistry()
}

/**
 * In the primary of `keyward start --workers`: every live worker's figures in one answer, summed (prom-client's own
 * aggregation for Node's metrics: event-loop lag averaged, for one). A worker that does not answer within prom-client's
 * 5 s (one still starting, or dying) fails that scrape; the next one finds it answering or gone.
 */
export function workersMetrics(): MetricsSource {
  const aggregator = new AggregatorRegistry()
  return { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() }
}

export interface MetricsListener {
  /** `http://host:port/metrics` */
  readonly url: string
  close(): Promise<void>
}

/**
 * `/metrics` on a listener of its own (`metricsPort`), never on the public one: what it tells (traffic, refusals,
 * the event tally) is for the operator's network, and no proxy rule has to hide it.
 */
export async function listenMetrics(
  source: MetricsSource,
  host: string,
  port: number,
): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end()
      return
    }
    source.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': source.contentType }).end(text),
      () => response.writeHead(500).end(),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const { address, family, port: bound } = server.address() as AddressInfo
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
