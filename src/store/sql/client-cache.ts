import type { ClientStore } from '../../core/ports/stores.ts'
import type { ChangeFeed } from './change-feed.ts'
import { type CachedStore, cachedStore } from './lookup-cache.ts'

/** Enough for every real client; unknown ids sprayed by an attacker evict each other, not memory. */
export const clientCacheCapacity = 10_000

/** Every ClientStore method that writes the clients table. */
export const clientWrites = [
  'create',
  'update',
  'delete',
  'recordFirstUse',
  'deleteUnusedDynamic',
] as const satisfies readonly (keyof ClientStore)[]

/** Client lookups (the token endpoint's hot path) served from memory; `changes` reports others' writes. */
export function clientCache(
  inner: ClientStore,
  changes: ChangeFeed,
  capacity = clientCacheCapacity,
): CachedStore<ClientStore> {
  return cachedStore(inner, clientWrites, changes, capacity)
}
