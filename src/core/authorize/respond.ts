import type { CoreContext } from '../context.ts'
import type { OAuthError } from '../errors.ts'
import type { AuthorizationCode } from '../model/code.ts'
import type { Session } from '../model/session.ts'
import { digest } from '../protocol/digest.ts'
import { profileOf } from '../profiles/index.ts'
import { randomToken } from '../random.ts'
import { targetedIdentifiers } from '../resources/audience.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { pageResult } from '../results.ts'
import type { ImplicitTokens } from './implicit.ts'
import type { AuthorizationRequest, ResponseTarget } from './request.ts'
import { idTokenClaimNames } from '../oidc/claims-request.ts'

/**
 * The response parameters, back to the client: a redirect with them in the query or the fragment (RFC 6749
 * §4.1.2, §4.2.2: the fragment never reaches servers), or a page whose form the browser posts to the redirect
 * URI (OAuth 2.0 Form Post Response Mode §2), which keeps them out of URLs and logs.
 */
function respondWith(target: ResponseTarget, values: Record<string, string | null>): EndpointResult {
  const present = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== null)
  if (target.responseMode === 'form_post') {
    return pageResult({
      view: 'form-post',
      model: { action: target.redirectUri, fields: Object.fromEntries(present) },
    })
  }
  const url = new URL(target.redirectUri)
  const params = target.responseMode === 'query' ? url.searchParams : new URLSearchParams()
  for (const [name, value] of present) params.set(name, value)
  if (target.responseMode === 'fragment') url.hash = params.toString()
  return { kind: 'redirect', location: url.toString() }
}

/** RFC 6749 §4.1.2 with RFC 9207 `iss`: issues a code bound to everything §4.1.3 will check, from a session. */
export async function issueCode(
  request: AuthorizationRequest,
  session: Session,
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random'>,
): Promise<EndpointResult> {
  if (request.codeChallenge === null) throw new Error('A code request always carries a validated challenge.')
  const code = randomToken(ctx.random)
  const now = ctx.clock.now()
  // A security profile may cap the lifetime (FAPI 2.0 Security Profile §5.3.2.2: 60 seconds at most).
  const lifetime = Math.min(
    ctx.config.lifetimes.authorizationCode,
    profileOf(request.client)?.maxAuthorizationCodeSeconds ?? Infinity,
  )
  const record: AuthorizationCode = {
    digest: digest(code),
    clientId: request.client.id,
    userId: session.userId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope: request.scope,
    resources: targetedIdentifiers(request.target),
    expiresAt: new Date(now.getTime() + lifetime * 1000),
    grantId: null,
    createdAt: now,
    // OpenID Connect Core §3.1.3.6: nonce, auth_time and sid travel with the code into the ID token.
    nonce: request.nonce,
    authTime: session.authTime,
    sid: session.sid,
    dpopJkt: request.dpopJkt,
    idTokenClaims: idTokenClaimNames(request.claims, request.scope),
  }
  await ctx.stores.codes.create(record)
  return respondWith(request, { code, state: request.state, iss: ctx.config.issuer })
}

/**
 * RFC 6749 §4.1.2.1 with RFC 9207: the error goes back to the client with state and iss. The result carries the
 * error too, so that the edge can log why the request was refused.
 */
export function errorResponse(target: ResponseTarget, error: OAuthError, issuer: string): EndpointResult {
  const response = respondWith(target, {
    error: error.code,
    error_description: error.description,
    state: target.state,
    iss: issuer,
  })
  return { ...response, error }
}

/**
 * The implicit response (RFC 6749 §4.2.2, OpenID Connect Core §3.2.2.5): the access token and its details when
 * the response type has one, the ID token when it has one, never a refresh token.
 */
export function implicitResponse(
  request: AuthorizationRequest,
  tokens: ImplicitTokens,
  issuer: string,
): EndpointResult {
  const { access } = tokens
  return respondWith(request, {
    access_token: access?.accessToken ?? null,
    token_type: access === null ? null : 'Bearer',
    expires_in: access === null ? null : String(access.expiresIn),
    scope: access === null ? null : access.scope.join(' '),
    id_token: tokens.idToken,
    state: request.state,
    iss: issuer,
  })
}
