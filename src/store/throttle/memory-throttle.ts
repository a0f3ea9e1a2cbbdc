import type { Clock } from '../../core/index.ts'
import type { Throttle, ThrottleDecision, ThrottlePolicy } from '../../core/ports/throttle.ts'

interface Count {
  count: number
  /** Epoch milliseconds until which the key is refused; 0 when it may try. */
  waitUntil: number
  /** Epoch milliseconds at which the count is forgotten. */
  endsAt: number
}

/** Keys kept in each of the two rooms below: a flood costs memory only up to a bound (README, Security notes). */
const MAX_KEYS = 50_000
/** A full room of waits is searched for ended ones at most this often, so a flood cannot make every attempt scan it. */
const SWEEP_INTERVAL_MS = 1000

const ALLOWED: ThrottleDecision = { allowed: true }

/** The count a key has after one more attempt under `policy`, and the wait that attempt starts. */
function charge(previous: Count | undefined, policy: ThrottlePolicy, at: number): Count {
  const count = (previous?.count ?? 0) + 1
  const window = policy.windowSeconds * 1000
  if (policy.backoff === undefined) {
    const endsAt = previous?.endsAt ?? at + window
    return { count, waitUntil: count >= policy.limit ? endsAt : 0, endsAt }
  }
  const { firstSeconds, maxSeconds } = policy.backoff
  const waitUntil =
    count >= policy.limit ? at + Math.min(firstSeconds * 2 ** (count - policy.limit), maxSeconds) * 1000 : 0
  return { count, waitUntil, endsAt: Math.max(at, waitUntil) + window }
}

/**
 * Attempt counts for a single node, in bounded memory. Counts under their limit live in one room, where a flood
 * of new keys (addresses, usernames) forgets the least recently used: forgetting one gives back at most
 * limit - 1 attempts. Counts at their limit carry a wait and live in another room, where nothing is forgotten
 * before it ends; when that room is full, an attempt that would start a wait is refused instead, uncharged.
 */
export function memoryThrottle(clock: Clock, { maxKeys = MAX_KEYS } = {}): Throttle {
  const counting = new Map<string, Count>()
  const waiting = new Map<string, Count>()
  let sweptAt = Number.NEGATIVE_INFINITY

  function live(key: string, at: number): Count | undefined {
    const entry = waiting.get(key) ?? counting.get(key)
    if (entry === undefined || entry.endsAt > at) return entry
    waiting.delete(key)
    counting.delete(key)
    return undefined
  }

  function roomToWait(at: number): boolean {
    if (waiting.size < maxKeys) return true
    if (at - sweptAt < SWEEP_INTERVAL_MS) return false
    sweptAt = at
    for (const [key, entry] of waiting) if (entry.endsAt <= at) waiting.delete(key)
    return waiting.size < maxKeys
  }

  function keepCounting(key: string, entry: Count): void {
    // Deleted and set again: Map order is then least recently used first, the one a flood forgets.
    waiting.delete(key)
    counting.delete(key)
    counting.set(key, entry)
    if (counting.size > maxKeys) counting.delete(counting.keys().next().value as string)
  }

  return {
    async take(key, policy) {
      const at = clock.now().getTime()
      const previous = live(key, at)
      if (previous !== undefined && previous.waitUntil > at) {
        return { allowed: false, retryAfterSeconds: (previous.waitUntil - at) / 1000 }
      }
      const next = charge(previous, policy, at)
      if (next.count < policy.limit) {
        keepCounting(key, next)
        return ALLOWED
      }
      if (!waiting.has(key) && !roomToWait(at)) {
        return { allowed: false, retryAfterSeconds: (next.waitUntil - at) / 1000 }
      }
      counting.delete(key)
      waiting.set(key, next)
      return ALLOWED
    },
    async waitFor(key) {
      const at = clock.now().getTime()
      const entry = live(key, at)
      return entry !== undefined && entry.waitUntil > at ? (entry.waitUntil - at) / 1000 : 0
    },
    async reset(key) {
      waiting.delete(key)
      counting.delete(key)
    },
    async refund(key) {
      const entry = live(key, clock.now().getTime())
      if (entry === undefined || entry.count === 0) return
      // Left in its room: a refunded count at the limit keeps its place among the waits, which is only safer.
      entry.count -= 1
      entry.waitUntil = 0
    },
  }
}
