/**
 * The one way Keyward reaches another server (DESIGN §9): client ID metadata documents, a client's `jwks_uri` and `sector_identifier_uri`,
 * back-channel logout tokens (`src/outbound/`). The implementation (`src/net/`) holds every defence against server-side request
 * forgery: https only, no private, loopback or link-local address (unless the operator allows them for
 * development), limits on size, time and redirects, every hop and every resolved address checked. No other code in
 * Keyward fetches a URL.
 */
export interface OutboundFetch {
  /**
   * A JSON document by GET (200 with a JSON media type, else OutboundFetchError), from an in-memory HTTP cache while fresh (Cache-Control max-age, bounded both ways).
   * `refresh` asks for a newer copy than the cache holds; the cache still keeps a short minimum age, so a peer
   * cannot make Keyward fetch on every request.
   */
  json(url: string, options?: JsonFetchOptions): Promise<unknown>
  /** Any request (a POST of a form, say) under the same rules, never cached. */
  request(url: string, request: OutboundRequest): Promise<OutboundResponse>
}

export interface JsonFetchOptions {
  /** Ask for a newer copy than the cache holds (bounded by the cache's minimum age). */
  readonly refresh?: boolean
  /** False where a specification forbids following redirects (client ID metadata documents); true by default. */
  readonly followRedirects?: boolean
}

export interface OutboundRequest {
  readonly method: 'GET' | 'POST'
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as is; with a form, set content-type application/x-www-form-urlencoded. */
  readonly body?: string
  /** Abandons the request (a server shutting down), within the port's own deadline. */
  readonly signal?: AbortSignal
}

export interface OutboundResponse {
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A URL that was not fetched or whose answer was refused. The message is fit for an error_description: it says
 * which rule the URL broke (never the addresses a name resolved to, which would map the operator's network).
 */
export class OutboundFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OutboundFetchError'
  }
}

/**
 * A URL that a rule forbids reaching (not https, credentials in it, an address that is not public): nothing was
 * sent, and another try would be refused alike.
 */
export class ForbiddenUrlError extends OutboundFetchError {
  constructor(message: string) {
    super(message)
    this.name = 'ForbiddenUrlError'
  }
}
