import type { ChangeFeed } from './change-feed.ts'

export interface LookupCache<Value> {
  /** The value under `key`, from memory when it was looked up before (an absent one too). */
  get(key: string): Promise<Value | null>
  /** Forgets everything, and keeps lookups already under way from caching what they read before. */
  invalidate(): void
}

/**
 * Lookups by key (the token endpoint's hot path: clients, resources) served from memory, absent keys included,
 * least recently used evicted first. `changes` reports writes by other processes and nodes before each lookup;
 * the owner calls `invalidate` after its own.
 */
export function lookupCache<Value>(
  load: (key: string) => Promise<Value | null>,
  changes: ChangeFeed,
  capacity: number,
): LookupCache<Value> {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const cached = new Map<string, Value | null>()
  let generation = 0
  const invalidate = (): void => {
    cached.clear()
    generation++
  }
  return {
    invalidate,
    async get(key) {
      const change = changes.check()
      if (change !== 'unchanged') invalidate()
      const hit = cached.get(key)
      if (hit !== undefined) {
        cached.delete(key)
        cached.set(key, hit)
        return hit
      }
      const started = generation
      const value = await load(key)
      // A write that landed while we read may have come after the row we got: then it is not kept.
      if (change !== 'unknown' && generation === started) {
        cached.set(key, value)
        if (cached.size > capacity) {
          const oldest = cached.keys().next()
          if (!oldest.done) cached.delete(oldest.value)
        }
      }
      return value
    },
  }
}

/** A store whose lookups by key are served from memory; its own `writes` forget everything cached. */
export interface CachedStore<Store> {
  readonly store: Store
  /** Forgets everything, and keeps lookups already under way from caching what they read before. */
  invalidate(): void
}

/** `inner` with `get` served by a `lookupCache`, forgotten after each of its own `writes`. */
export function cachedStore<Value, Store extends { get(key: string): Promise<Value | null> }>(
  inner: Store,
  writes: readonly (keyof Store)[],
  changes: ChangeFeed,
  capacity: number,
): CachedStore<Store> {
  const cache = lookupCache<Value>((key) => inner.get(key), changes, capacity)
  return {
    invalidate: cache.invalidate,
    store: { ...afterWrites(inner, writes, cache.invalidate), get: cache.get },
  }
}

/**
 * The store, calling `onWrite` once each of its `writes` has settled, whether it succeeded or not: a cache
 * over it forgets what the write may have changed.
 */
export function afterWrites<Store extends object>(
  inner: Store,
  writes: readonly (keyof Store)[],
  onWrite: () => void,
): Store {
  const wrapped = { ...inner }
  for (const name of writes) {
    const write = inner[name] as (...args: unknown[]) => Promise<unknown>
    wrapped[name] = (async (...args: unknown[]) => {
      try {
        return await write(...args)
      } finally {
        onWrite()
      }
    }) as Store[typeof name]
  }
  return wrapped
}
