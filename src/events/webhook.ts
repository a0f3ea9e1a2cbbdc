import { createHmac } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { type Clock, type Config, type Random, randomToken } from '../core/index.ts'
import type { EventSink, SecurityEvent } from '../core/ports/events.ts'
import { ForbiddenUrlError, type OutboundFetch } from '../core/ports/fetch.ts'

/** What became of one event on its way to the webhook, for the metrics. */
export type WebhookOutcome = 'delivered' | 'failed' | 'dropped'

export interface WebhookSettings {
  /** The receiver: https, through the outbound-fetch port and its address rules. */
  readonly url: string
  /** The Standard Webhooks signing secret: `whsec_` and the base64 of 24 to 64 random bytes. */
  readonly secret: string
  /** Attempts per event, the first included. */
  readonly maxAttempts: number
  /** The wait before the second attempt; each later wait doubles. */
  readonly backoffMs: number
  /** Events waiting to be sent; when full, the oldest is dropped. */
  readonly queueSize: number
  /** Deliveries in flight at once. */
  readonly concurrency: number
  /** How long closing waits for the queue to empty. */
  readonly flushTimeoutMs: number
}

export interface WebhookOptions extends WebhookSettings {
  readonly fetch: OutboundFetch
  readonly logger: Logger
  readonly clock: Clock
  /** A fresh message id (Standard Webhooks `webhook-id`): the receiver's key for ignoring a retried duplicate. */
  readonly newId: () => string
  /** Told each outcome (the metrics' counter). */
  readonly tally?: (outcome: WebhookOutcome) => void
}

/** An event sink that posts to a webhook in the background; `close` flushes what is queued, within its bound. */
export interface WebhookSink extends EventSink {
  close(): Promise<void>
}

/** One event as the receiver gets it: the Standard Webhooks payload shape (type, timestamp, data). */
interface Message {
  readonly id: string
  readonly body: string
}

export interface SignedHeaders {
  readonly 'webhook-id': string
  readonly 'webhook-timestamp': string
  readonly 'webhook-signature': string
}

/**
 * Standard Webhooks signature: HMAC-SHA256, keyed with the secret's base64 bytes after `whsec_`, over
 * `id.timestamp.body`, base64, after `v1,`. The timestamp is the attempt's (unix seconds), so a receiver's replay
 * window (five minutes in the reference libraries) still accepts a late retry.
 */
export function signWebhook(secret: string, id: string, unixSeconds: number, body: string): SignedHeaders {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${unixSeconds}.${body}`).digest('base64')
  return {
    'webhook-id': id,
    'webhook-timestamp': String(unixSeconds),
    'webhook-signature': `v1,${signature}`,
  }
}

/** How often a run of drops is logged: the first, then every this many (a dead receiver must not flood the log). */
const DROP_LOG_EVERY = 100

/**
 * Security events to a webhook (architecture §5): `emit` only queues (synchronous, never waits, never throws);
 * workers post each event on its own, signed, through the outbound-fetch port, retrying any answer but a 2xx and
 * any failure with doubling waits up to `maxAttempts`. The queue is bounded: when full, the oldest event is
 * dropped, counted and logged. Events carry identifiers only (src/core/ports/events.ts), never a secret.
 */
export function webhookEvents(options: WebhookOptions): WebhookSink {
  const { fetch, logger, clock, tally } = options
  const queue: Message[] = []
  const stop = new AbortController()
  let running = 0
  let dropped = 0
  let idle: (() => void) | undefined

  /** Null when delivered; else what went wrong, and whether another try could change it. */
  async function attempt(message: Message): Promise<{ problem: string; final: boolean } | null> {
    const unixSeconds = Math.floor(clock.now().getTime() / 1000)
    const headers = signWebhook(options.secret, message.id, unixSeconds, message.body)
    try {
      const response = await fetch.request(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: message.body,
        signal: stop.signal,
      })
      if (response.status >= 200 && response.status < 300) return null
      return { problem: `HTTP ${response.status}`, final: false }
    } catch (error) {
      // A URL the outbound rules forbid (not https, a private address) is refused alike on every try.
      return { problem: (error as Error).message, final: error instanceof ForbiddenUrlError }
    }
  }

  async function deliver(message: Message): Promise<void> {
    let problem = 'not attempted'
    let number = 0
    while (number < options.maxAttempts && !stop.signal.aborted) {
      number += 1
      const failure = await attempt(message)
      if (failure === null) {
        tally?.('delivered')
        return
      }
      problem = failure.problem
      if (failure.final) break
      if (number < options.maxAttempts) {
        await sleep(options.backoffMs * 2 ** (number - 1), undefined, { signal: stop.signal }).catch(() => {})
      }
    }
    tally?.('failed')
    logger.warn({ webhookId: message.id, attempts: number, outcome: problem }, 'event webhook not delivered')
  }

  async function work(): Promise<void> {
    running += 1
    try {
      for (let message = queue.shift(); message; message = queue.shift()) {
        if (stop.signal.aborted) break
        await deliver(message)
      }
    } finally {
      running -= 1
      if (running === 0 && queue.length === 0) idle?.()
    }
  }

  return {
    emit(event: SecurityEvent) {
      if (stop.signal.aborted) return
      const body = JSON.stringify({ type: event.event, timestamp: clock.now().toISOString(), data: event })
      if (queue.length >= options.queueSize) {
        queue.shift()
        dropped += 1
        tally?.('dropped')
        if (dropped === 1 || dropped % DROP_LOG_EVERY === 0) {
          logger.warn(
            { dropped, queueSize: options.queueSize },
            'event webhook queue full: oldest events dropped',
          )
        }
      }
      queue.push({ id: `msg_${options.newId()}`, body })
      if (running < options.concurrency) void work()
    },
    async close() {
      if (running > 0 || queue.length > 0) {
        const emptied = new Promise<void>((resolve) => (idle = resolve))
        await Promise.race([emptied, sleep(options.flushTimeoutMs, undefined, { ref: false })])
      }
      stop.abort()
      const left = queue.splice(0)
      left.forEach(() => tally?.('dropped'))
      if (left.length > 0 || running > 0) {
        logger.warn(
          { undelivered: left.length, inFlight: running, flushTimeoutMs: options.flushTimeoutMs },
          'event webhook not flushed in time: undelivered events dropped',
        )
      }
    },
  }
}

/** The configured event webhook, posting through the outbound-fetch port; none when `events.webhook` is unset. */
export function configuredWebhook(
  config: Config,
  deps: {
    readonly logger: Logger
    readonly clock: Clock
    readonly random: Random
    readonly fetch: OutboundFetch
    readonly tally?: ((outcome: WebhookOutcome) => void) | undefined
  },
): WebhookSink | undefined {
  const settings = config.events.webhook
  if (settings === undefined) return undefined
  const { tally, random, ...rest } = deps
  return webhookEvents({
    ...settings,
    ...rest,
    newId: () => randomToken(random, 16),
    ...(tally === undefined ? {} : { tally }),
  })
}
