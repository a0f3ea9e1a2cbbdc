import type { EffectiveLifetime } from '../../tokens/lifetimes.ts'

/** Zero, negative or unbounded lifetimes mean a token that never expires. */
export function expires(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds > 0
}

/** Where to change a lifetime: on the client, or in the server default it inherits. */
export function whereSet(lifetime: EffectiveLifetime): string {
  return lifetime.fromDefault ? 'the server default, which this client inherits' : 'this client’s own setting'
}
