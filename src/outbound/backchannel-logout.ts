import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { ForbiddenUrlError, type OutboundFetch, OutboundFetchError } from '../core/ports/fetch.ts'
import type { LogoutNotice, LogoutNotifier } from '../core/ports/logout-notifier.ts'

// OpenID Connect Back-Channel Logout 1.0 §2.5: Keyward posts each logout token to the client's back-channel
// logout URI, through the outbound-fetch port like every request to another server (DESIGN §9).

export interface LogoutDeliveryOptions {
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

const DEFAULTS = { attempts: 3, backoffMs: 1_000 }

/**
 * The outcome of one attempt: delivered, refused for good by the client, not sent because the URI breaks a rule of
 * the outbound fetch (https, public addresses), or worth another try.
 */
type Attempt = { readonly kind: 'delivered' | 'refused' | 'forbidden' | 'retry'; readonly detail: string }

async function attempt(fetch: OutboundFetch, notice: LogoutNotice, stop: AbortSignal): Promise<Attempt> {
  try {
    // The port follows no redirect of a POST: the token goes only where the client registered.
    const response = await fetch.request(notice.uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: notice.logoutToken }).toString(),
      signal: stop,
    })
    const detail = `HTTP ${response.status}`
    // §2.8: 200 (or 204) on success; 400 when the client could not log out, which a retry will not change.
    if (response.status >= 200 && response.status < 300) return { kind: 'delivered', detail }
    return { kind: response.status >= 500 || response.status === 429 ? 'retry' : 'refused', detail }
  } catch (error) {
    // The port's message names the rule broken or what failed, never the token (which only the body carries).
    if (error instanceof ForbiddenUrlError) return { kind: 'forbidden', detail: error.message }
    return { kind: 'retry', detail: error instanceof OutboundFetchError ? error.message : 'unreachable' }
  }
}

/**
 * Delivers logout tokens in the background (never in the request that ended the session) through the outbound
 * fetch, whose limits bound each attempt: a few attempts with growing waits for a client that is down, none for one
 * that refused or whose URI the fetch may not reach. The token is never logged.
 */
export function logoutDelivery(
  fetch: OutboundFetch,
  logger: Logger,
  options: LogoutDeliveryOptions = {},
): LogoutDelivery {
  const { attempts, backoffMs } = { ...DEFAULTS, ...options }
  const pending = new Set<Promise<void>>()
  const stop = new AbortController()

  async function deliver(notice: LogoutNotice): Promise<void> {
    const where = { client: notice.clientId, uri: notice.uri }
    let last = 'not attempted: closing'
    for (let number = 1; number <= attempts && !stop.signal.aborted; number += 1) {
      const outcome = await attempt(fetch, notice, stop.signal)
      last = outcome.detail
      const about = { ...where, attempt: number, outcome: outcome.detail }
      if (outcome.kind === 'delivered') return logger.info(about, 'back-channel logout delivered')
      if (outcome.kind === 'refused') return logger.warn(about, 'back-channel logout refused by the client')
      if (outcome.kind === 'forbidden') {
        return logger.warn(about, 'back-channel logout not sent: the outbound fetch may not reach this URI')
      }
      if (number < attempts) {
        await sleep(backoffMs * 2 ** (number - 1), undefined, { signal: stop.signal }).catch(() => {})
      }
    }
    logger.warn({ ...where, attempts, outcome: last }, 'back-channel logout not delivered: gave up')
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
