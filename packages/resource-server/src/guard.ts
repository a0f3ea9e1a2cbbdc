import type { AccessToken } from './access-token.ts'
import { bearerToken } from './bearer.ts'
import { challenge, type ErrorResponse, unavailable } from './challenge.ts'
import { BearerError, IssuerError } from './errors.ts'
import { withResourceMetadata } from './resource-metadata.ts'
import { type Verifier, verifyAccessToken } from './verifier.ts'

/** What the guard needs from any HTTP request. */
export interface BearerRequest {
  readonly authorization: string | undefined
  /** The request target with its query string, e.g. `/orders?page=2`. */
  readonly url: string
}

export type GuardResult =
  | { readonly ok: true; readonly accessToken: AccessToken }
  | { readonly ok: false; readonly response: ErrorResponse }

/** The framework-free core of every middleware: a request in, a token or the answer to send out. */
export async function guard(
  verifier: Verifier,
  request: BearerRequest,
  requiredScopes: readonly string[],
): Promise<GuardResult> {
  const { realm, onIssuerError } = verifier.settings
  try {
    const token = bearerToken(request.authorization, request.url)
    if (token === undefined) {
      return { ok: false, response: withResourceMetadata(challenge(realm), verifier.resourceMetadata) }
    }
    return { ok: true, accessToken: await verifyAccessToken(token, verifier, requiredScopes) }
  } catch (error) {
    if (error instanceof BearerError) {
      return { ok: false, response: withResourceMetadata(challenge(realm, error), verifier.resourceMetadata) }
    }
    if (error instanceof IssuerError) {
      onIssuerError?.(error)
      return { ok: false, response: unavailable(error) }
    }
    throw error
  }
}
