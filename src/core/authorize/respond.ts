import type { CoreContext } from '../context.ts'
import type { OAuthError } from '../errors.ts'
import type { AuthorizationCode } from '../model/code.ts'
import type { Session } from '../model/session.ts'
import { digest } from '../protocol/digest.ts'
import { randomToken } from '../random.ts'
import type { AuthorizationRequest, ResponseType } from './request.ts'

/** Where the browser goes next, with the response parameters in the query (code) or fragment (token). */
function redirectWith(
  redirectUri: string,
  responseType: ResponseType,
  values: Record<string, string | null>,
): string {
  const url = new URL(redirectUri)
  const params = responseType === 'code' ? url.searchParams : new URLSearchParams()
  for (const [name, value] of Object.entries(values)) if (value !== null) params.set(name, value)
  // RFC 6749 §4.2.2: implicit responses travel in the fragment, which browsers do not send to servers.
  if (responseType === 'token') url.hash = params.toString()
  return url.toString()
}

/** RFC 6749 §4.1.2 with RFC 9207 `iss`: issues a code bound to everything §4.1.3 will check, from a session. */
export async function issueCode(
  request: AuthorizationRequest,
  session: Session,
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random'>,
): Promise<string> {
  if (request.codeChallenge === null) throw new Error('A code request always carries a validated challenge.')
  const code = randomToken(ctx.random)
  const now = ctx.clock.now()
  const record: AuthorizationCode = {
    digest: digest(code),
    clientId: request.client.id,
    userId: session.userId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope: request.scope,
    expiresAt: new Date(now.getTime() + ctx.config.lifetimes.authorizationCode * 1000),
    grantId: null,
    createdAt: now,
    // OpenID Connect Core §3.1.3.6: nonce, auth_time and sid travel with the code into the ID token.
    nonce: request.nonce,
    authTime: session.authTime,
    sid: session.sid,
  }
  await ctx.stores.codes.create(record)
  return redirectWith(request.redirectUri, 'code', { code, state: request.state, iss: ctx.config.issuer })
}

/** RFC 6749 §4.1.2.1 with RFC 9207: the error goes back to the client with state and iss. */
export function errorRedirect(
  target: { redirectUri: string; responseType: ResponseType; state: string | null },
  error: OAuthError,
  issuer: string,
): string {
  return redirectWith(target.redirectUri, target.responseType, {
    error: error.code,
    error_description: error.description,
    state: target.state,
    iss: issuer,
  })
}

/** The implicit response (RFC 6749 §4.2.2) in the fragment: the access token, never a refresh token. */
export function implicitRedirect(
  request: AuthorizationRequest,
  token: { accessToken: string; expiresIn: number; scope: readonly string[] },
  issuer: string,
): string {
  return redirectWith(request.redirectUri, 'token', {
    access_token: token.accessToken,
    token_type: 'Bearer',
    expires_in: String(token.expiresIn),
    scope: token.scope.join(' '),
    state: request.state,
    iss: issuer,
  })
}
