import type { ResourceStore } from '../../core/ports/stores.ts'

// Resource lookups (every token request that names a `resource`, RFC 8707) are served from memory like clients'
// (`cachedStore` in src/store/sql/stores.ts); `list` reads through: only a scope that none of the targeted
// resources defines needs it.

/** Operators register resources one by one, far fewer than this; unknown identifiers evict each other. */
export const resourceCacheCapacity = 10_000

/** Every ResourceStore method that writes the resources table. */
export const resourceWrites = ['create', 'delete'] as const satisfies readonly (keyof ResourceStore)[]
