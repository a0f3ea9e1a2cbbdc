import type { Client } from '../../core/model/client.ts'
import type { ClientStore } from '../../core/ports/stores.ts'
import type { ChangeFeed } from './change-feed.ts'

/** Enough for every real client; unknown ids sprayed by an attacker evict each other, not memory. */
export const clientCacheCapacity = 10_000

export interface ClientCache {
  /** The store with lookups served from memory; its own writes forget everything cached. */
  readonly store: ClientStore
  /** Forgets everything, and keeps lookups already under way from caching what they read before. */
  invalidate(): void
}

/**
 * Client lookups (the token endpoint's hot path) served from memory, unknown ids included, least recently
 * used evicted first. `changes` reports writes by other processes and nodes before each lookup.
 */
export function clientCache(
  inner: ClientStore,
  changes: ChangeFeed,
  capacity = clientCacheCapacity,
): ClientCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const cached = new Map<string, Client | null>()
  let generation = 0
  const invalidate = (): void => {
    cached.clear()
    generation++
  }

  return {
    invalidate,
    store: {
      ...afterWrites(inner, invalidate),
      async get(id) {
        const change = changes.check()
        if (change !== 'unchanged') invalidate()
        const hit = cached.get(id)
        if (hit !== undefined) {
          cached.delete(id)
          cached.set(id, hit)
          return hit
        }
        const started = generation
        const client = await inner.get(id)
        // A write that landed while we read may have come after the row we got: then it is not kept.
        if (change !== 'unknown' && generation === started) {
          cached.set(id, client)
          if (cached.size > capacity) {
            const oldest = cached.keys().next()
            if (!oldest.done) cached.delete(oldest.value)
          }
        }
        return client
      },
    },
  }
}

/** The store, calling `onWrite` once each create, update or delete has settled, whether it succeeded or not. */
export function afterWrites(inner: ClientStore, onWrite: () => void): ClientStore {
  const settled =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await write(...args)
      } finally {
        onWrite()
      }
    }
  return {
    ...inner,
    create: settled(inner.create),
    update: settled(inner.update),
    delete: settled(inner.delete),
    recordFirstUse: settled(inner.recordFirstUse),
    deleteUnusedDynamic: settled(inner.deleteUnusedDynamic),
  }
}
