import { type OutboundFetch, OutboundFetchError } from '../../src/core/ports/fetch.ts'

/**
 * An outbound fetch for core unit tests: answers the JSON documents it was given by URL and refuses every other
 * URL, as the real one refuses an unreachable host. Like the real one's cache, it answers a URL with what it
 * served first until asked to `refresh`. `fetched` lists the URLs asked for, refreshes marked.
 */
export function documentsFetch(documents: Record<string, unknown> = {}): OutboundFetch & {
  readonly fetched: string[]
  readonly documents: Record<string, unknown>
} {
  const fetched: string[] = []
  const served = new Map<string, unknown>()
  return {
    fetched,
    documents,
    json(url, options) {
      fetched.push(options?.refresh ? `${url} (refresh)` : url)
      if (served.has(url) && !options?.refresh) return Promise.resolve(structuredClone(served.get(url)))
      if (!(url in documents)) return Promise.reject(new OutboundFetchError(`${url} could not be reached.`))
      served.set(url, documents[url])
      return Promise.resolve(structuredClone(documents[url]))
    },
    request(url) {
      return Promise.reject(new OutboundFetchError(`${url} could not be reached.`))
    },
  }
}
