import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { LogoutNotice, LogoutNotifier } from '../core/ports/logout-notifier.ts'

// OpenID Connect Back-Channel Logout 1.0 §2.5: Keyward posts each logout token to the client's back-channel
// logout URI. TODO(fetch port): this is the one place besides the outbound-fetch port that calls a URL; once that
// port (src/core/ports/fetch.ts, with its SSRF rules) is on main, the POST below goes through it.

export interface LogoutDeliveryOptions {
  /** How long one attempt may take, connection and answer included. */
  readonly timeoutMs?: number
  /** Attempts per notice, the first included. */
  readonly attempts?: number
  /** The wait before the second attempt; each later wait doubles. */
  readonly backoffMs?: number
}

/** A notifier whose deliveries can be waited for (a command before it exits) or cut short (a server closing). */
export interface LogoutDelivery extends LogoutNotifier {
  /** Resolves when every delivery started so far has succeeded or given up. */
  settled(): Promise<void>
  /** Stops waiting between retries and abandons attempts in flight, then resolves once all have stopped. */
  close(): Promise<void>
}

const DEFAULTS = { timeoutMs: 5_000, attempts: 3, backoffMs: 1_000 }

/** The outcome of one attempt: delivered, refused for good by the client, or worth another try. */
type Attempt = { readonly kind: 'delivered' | 'refused' | 'retry'; readonly detail: string }

async function attempt(notice: LogoutNotice, timeoutMs: number, stop: AbortSignal): Promise<Attempt> {
  try {
    // eslint-disable-next-line no-restricted-globals -- moving onto the OutboundFetch port next (TODO above)
    const response = await fetch(notice.uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: notice.logoutToken }),
      // A redirect would send the token somewhere the client did not register.
      redirect: 'manual',
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
    })
    await response.body?.cancel()
    const detail = `HTTP ${response.status}`
    // §2.8: 200 (or 204) on success; 400 when the client could not log out, which a retry will not change.
    if (response.ok) return { kind: 'delivered', detail }
    return { kind: response.status >= 500 || response.status === 429 ? 'retry' : 'refused', detail }
  } catch (error) {
    return { kind: 'retry', detail: (error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable' }
  }
}

/**
 * Delivers logout tokens in the background (never in the request that ended the session) with Node's fetch: a
 * timeout per attempt, a few attempts with growing waits for a client that is down, none for one that refused.
 * The token is never logged.
 */
export function logoutDelivery(logger: Logger, options: LogoutDeliveryOptions = {}): LogoutDelivery {
  const { timeoutMs, attempts, backoffMs } = { ...DEFAULTS, ...options }
  const pending = new Set<Promise<void>>()
  const stop = new AbortController()

  async function deliver(notice: LogoutNotice): Promise<void> {
    const where = { client: notice.clientId, uri: notice.uri }
    for (let number = 1; number <= attempts && !stop.signal.aborted; number += 1) {
      const outcome = await attempt(notice, timeoutMs, stop.signal)
      const about = { ...where, attempt: number, outcome: outcome.detail }
      if (outcome.kind === 'delivered') return logger.info(about, 'back-channel logout delivered')
      if (outcome.kind === 'refused') return logger.warn(about, 'back-channel logout refused by the client')
      if (number < attempts) {
        await sleep(backoffMs * 2 ** (number - 1), undefined, { signal: stop.signal }).catch(() => {})
      }
    }
    logger.warn({ ...where, attempts }, 'back-channel logout not delivered: gave up')
  }

  return {
    notify(notices) {
      for (const notice of notices) {
        const delivery = deliver(notice).finally(() => pending.delete(delivery))
        pending.add(delivery)
      }
    },
    async settled() {
      await Promise.all([...pending])
    },
    async close() {
      stop.abort()
      await Promise.all([...pending])
    },
  }
}
