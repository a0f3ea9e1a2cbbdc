/** A bounded map whose entries end at a given time; the oldest entry goes first when full. */
export interface TtlCache<T> {
  get(key: string, nowMs: number): T | undefined
  set(key: string, value: T, untilMs: number): void
}

export function createTtlCache<T>(maxEntries: number): TtlCache<T> {
  const entries = new Map<string, { readonly value: T; readonly untilMs: number }>()
  return {
    get(key, nowMs) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.untilMs > nowMs) return entry.value
      entries.delete(key)
      return undefined
    },
    set(key, value, untilMs) {
      entries.delete(key)
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, { value, untilMs })
    },
  }
}
