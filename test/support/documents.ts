import { type OutboundFetch, OutboundFetchError } from '../../src/core/ports/fetch.ts'

/**
 * An outbound fetch for core unit tests: answers the JSON documents it was given by URL, and refuses every other
 * URL as the real one refuses an unreachable host. `fetched` lists the URLs asked for, `refresh` marked.
 */
export function documentsFetch(documents: Record<string, unknown> = {}): OutboundFetch & {
  readonly fetched: string[]
  readonly documents: Record<string, unknown>
} {
  const fetched: string[] = []
  return {
    fetched,
    documents,
    json(url, options) {
      fetched.push(options?.refresh ? `${url} (refresh)` : url)
      if (!(url in documents)) return Promise.reject(new OutboundFetchError(`${url} could not be reached.`))
      return Promise.resolve(structuredClone(documents[url]))
    },
    request(url) {
      return Promise.reject(new OutboundFetchError(`${url} could not be reached.`))
    },
  }
}
