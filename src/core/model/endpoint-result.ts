import type { OAuthError } from '../errors.ts'
import type { Page } from './pages.ts'

/** A login session the browser is to carry from now on: the cookie value and how long it lives. */
export interface StartedSession {
  readonly id: string
  readonly maxAgeSeconds: number
}

interface ResultCommon {
  /**
   * The error this answer reports, if any: the HTTP layer adds what every error answer carries (Retry-After for
   * a 429, the Basic challenge after a failed Basic authentication).
   */
  readonly error?: OAuthError
  /** Set when the operation signed a person in: the browser is to keep the session. */
  readonly session?: StartedSession
  /** RFC 9449 §8.2: a fresh DPoP nonce for the client's next proofs (the DPoP-Nonce header). */
  readonly dpopNonce?: string
  /** Set when the operation ended the browser's session: the browser is to forget its cookie. */
  readonly sessionEnded?: boolean
}

/**
 * What every core operation answers (architecture §2): the HTTP layer turns it into a reply in one place
 * (src/http/send.ts), and never decides protocol matters itself.
 */
export type EndpointResult = ResultCommon &
  (
    | {
        readonly kind: 'json'
        readonly status: number
        readonly body: object
        /** The media type when not application/json (a JWK set). */
        readonly mediaType?: string
        /** Seconds a cache may keep a public document; absent, the answer is never stored (no-store). */
        readonly publicCacheSeconds?: number
      }
    | { readonly kind: 'redirect'; readonly location: string }
    | { readonly kind: 'page'; readonly status: number; readonly page: Page }
    | { readonly kind: 'empty'; readonly status: number }
  )
