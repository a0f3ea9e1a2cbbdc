import type { IncomingHttpHeaders } from 'node:http'
import type { AccessToken } from './access-token.ts'
import { bearerToken } from './bearer.ts'
import { challenge, type ErrorResponse, unavailable } from './challenge.ts'
import {
  bothChallenges,
  calledUrl,
  checkSenderConstraint,
  DpopRequiredError,
  dpopChallenge,
  dpopToken,
} from './dpop.ts'
import { BearerError, InvalidDpopProofError, IssuerError } from './errors.ts'
import { withResourceMetadata } from './resource-metadata.ts'
import { requireScopes, type Verifier, validate } from './verifier.ts'

/** What the guard needs from any HTTP request. */
export interface BearerRequest {
  readonly authorization: string | undefined
  /** The request target with its query string, e.g. `/orders?page=2`. */
  readonly url: string
  /** RFC 9449: the DPoP header, the method and the Host, which the proof of a DPoP-bound token describes. */
  readonly dpop?: string | undefined
  readonly method?: string
  readonly host?: string | undefined
}

/** The parts of an HTTP request the guard reads, from the headers every framework exposes. */
export function bearerRequest(
  headers: IncomingHttpHeaders,
  method: string | undefined,
  url: string,
): BearerRequest {
  const { authorization, dpop, host } = headers
  // RFC 9449 §4.3 item 1: more than one DPoP header is refused, so repeated ones are joined, never picked
  return {
    authorization,
    url,
    dpop: Array.isArray(dpop) ? dpop.join(', ') : dpop,
    method: method ?? 'GET',
    host,
  }
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
  const { settings } = verifier
  const { realm, onIssuerError } = settings
  let presentedAs: 'Bearer' | 'DPoP' = 'Bearer'
  try {
    const bearer = bearerToken(request.authorization, request.url)
    const dpop = bearer === undefined ? dpopToken(request.authorization) : undefined
    if (dpop !== undefined) presentedAs = 'DPoP'
    const token = bearer ?? dpop
    if (token === undefined) {
      const bearerChallenge = withResourceMetadata(challenge(realm), verifier.resourceMetadata)
      return { ok: false, response: bothChallenges(bearerChallenge, settings) }
    }
    const accessToken = await validate(token, verifier)
    // RFC 9449 §7: possession of the key is proven before the token's scopes say anything
    await checkSenderConstraint(
      token,
      accessToken,
      presentedAs,
      {
        dpop: request.dpop,
        method: request.method ?? 'GET',
        url: calledUrl(request.url, request.host, settings),
      },
      settings,
    )
    requireScopes(accessToken, requiredScopes)
    return { ok: true, accessToken }
  } catch (error) {
    if (error instanceof BearerError) {
      // RFC 9449 §7.1: a DPoP scheme, a proof or a bound token is answered with the DPoP challenge
      const dpopScheme =
        presentedAs === 'DPoP' || error instanceof InvalidDpopProofError || error instanceof DpopRequiredError
      const response = dpopScheme ? dpopChallenge(realm, error, settings) : challenge(realm, error)
      return { ok: false, response: withResourceMetadata(response, verifier.resourceMetadata) }
    }
    if (error instanceof IssuerError) {
      onIssuerError?.(error)
      return { ok: false, response: unavailable(error) }
    }
    throw error
  }
}
