/** How long a fetched document is kept: what its Cache-Control says, within the operator's bounds. */
export interface CacheBounds {
  /** Kept at least this long, whatever max-age says (0 included): a peer cannot make Keyward fetch per request. */
  readonly minSeconds: number
  readonly maxSeconds: number
  /** At most this many documents are kept; the least recently used goes first. */
  readonly maxEntries: number
}

interface Entry {
  readonly body: unknown
  readonly storedAt: number
  readonly freshUntil: number
}

/**
 * RFC 9111 §5.2.2: the seconds a response may be reused (max-age, §5.2.2.1), or null when it must not be stored
 * (no-store, §5.2.2.5). Without max-age, the minimum: Keyward makes no heuristic guess (§4.2.2).
 */
export function freshSeconds(cacheControl: string | undefined, bounds: CacheBounds): number | null {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim())
  if (directives.includes('no-store')) return null
  const maxAge = directives.find((directive) => directive.startsWith('max-age='))
  const seconds = maxAge === undefined ? Number.NaN : Number(maxAge.slice('max-age='.length))
  if (!Number.isFinite(seconds)) return bounds.minSeconds
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, seconds))
}

/** Fetched JSON documents by URL, in memory, bounded in entries (least recently used out first). */
export class JsonCache {
  readonly #entries = new Map<string, Entry>()
  readonly #bounds: CacheBounds
  readonly #now: () => number

  constructor(bounds: CacheBounds, now: () => number) {
    this.#bounds = bounds
    this.#now = now
  }

  /**
   * The cached document if it is still fresh; with `refresh`, only if it was stored less than the minimum age
   * ago (a refetch asked for by every request, as on an unknown `kid`, happens at most once per minimum age).
   */
  get(url: string, refresh: boolean): unknown {
    const entry = this.#entries.get(url)
    if (entry === undefined) return undefined
    const now = this.#now()
    const until = refresh ? entry.storedAt + this.#bounds.minSeconds * 1000 : entry.freshUntil
    if (now >= until) return undefined
    this.#entries.delete(url)
    this.#entries.set(url, entry)
    return entry.body
  }

  put(url: string, body: unknown, cacheControl: string | undefined): void {
    const seconds = freshSeconds(cacheControl, this.#bounds)
    this.#entries.delete(url)
    if (seconds === null) return
    const now = this.#now()
    this.#entries.set(url, { body, storedAt: now, freshUntil: now + seconds * 1000 })
    while (this.#entries.size > this.#bounds.maxEntries) {
      const oldest = this.#entries.keys().next().value as string
      this.#entries.delete(oldest)
    }
  }
}
