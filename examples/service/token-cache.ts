/** A token as the token endpoint gave it: `expiresIn` in seconds (RFC 6749 §5.1). */
export interface FetchedToken {
  readonly accessToken: string
  readonly expiresIn: number
}

export interface CachedToken {
  readonly accessToken: string
  readonly expiresAt: Date
  /** True when this call asked the token endpoint; false when it reused the cached token. */
  readonly fetched: boolean
}

export interface TokenCache {
  get(): Promise<CachedToken>
}

/** A token is replaced this long before it expires, so it does not expire on its way to the API. */
export const RENEW_BEFORE_SECONDS = 60

/**
 * One access token, reused until shortly before it expires, then fetched again. RFC 6749 §4.4.3: client
 * credentials get no refresh token; the service simply asks again. Concurrent callers share one request.
 */
export function createTokenCache(
  fetchToken: () => Promise<FetchedToken>,
  clock: { now(): Date },
): TokenCache {
  let current: { accessToken: string; expiresAt: Date } | null = null
  let inFlight: Promise<{ accessToken: string; expiresAt: Date }> | null = null

  async function fetchNew() {
    // Timed from before the request: the token's lifetime started no later than that.
    const requestedAt = clock.now().getTime()
    const { accessToken, expiresIn } = await fetchToken()
    current = { accessToken, expiresAt: new Date(requestedAt + expiresIn * 1000) }
    return current
  }

  return {
    async get() {
      const renewAt = current === null ? 0 : current.expiresAt.getTime() - RENEW_BEFORE_SECONDS * 1000
      if (current !== null && clock.now().getTime() < renewAt) return { ...current, fetched: false }
      inFlight ??= fetchNew().finally(() => {
        inFlight = null
      })
      return { ...(await inFlight), fetched: true }
    },
  }
}
