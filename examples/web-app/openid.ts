import * as oauth from 'oauth4webapi'
import type { DiscoveredServer } from './authorization-server.ts'
import type { Person } from './sessions.ts'

/** Whether the app asks for an OpenID Connect sign-in (Core §3.1.2.1): then it learns who signed in. */
export function asksForOpenid(scope: string | undefined): boolean {
  return scope?.split(' ').includes('openid') === true
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The person of a sign-in whose ID token oauth4webapi validated (signature, iss, aud, exp, nonce: Core
 * §3.1.3.7). With a code, Keyward releases profile and email claims at UserInfo, not in the ID token (Core §5.4),
 * so the app asks there; the library checks that UserInfo names the same sub (Core §5.3.2).
 */
export async function personOf(
  server: DiscoveredServer,
  client: oauth.Client,
  tokens: oauth.TokenEndpointResponse,
): Promise<Person> {
  const idToken = oauth.getValidatedIdTokenClaims(tokens)
  if (idToken === undefined) throw new Error('the token response has no ID token')
  const claims: Record<string, unknown> = { ...idToken }
  if (server.as.userinfo_endpoint !== undefined) {
    const response = await oauth.userInfoRequest(server.as, client, tokens.access_token, server.httpOptions)
    Object.assign(claims, await oauth.processUserInfoResponse(server.as, client, idToken.sub, response))
  }
  const email = text(claims.email)
  return {
    subject: idToken.sub,
    // Core §5.1: name is the full name; preferred_username and sub are what is left when the person has none.
    name: text(claims.name) ?? text(claims.preferred_username) ?? idToken.sub,
    ...(email === undefined ? {} : { email }),
  }
}

/**
 * RP-Initiated Logout 1.0 §2: where the browser goes to end the person's session at the authorization server too,
 * or undefined when it publishes no end_session_endpoint. The ID token names the session (id_token_hint), and the
 * browser comes back to `postLogoutRedirectUri`, which must be registered for the client exactly.
 */
export function endSessionUrl(
  server: DiscoveredServer,
  clientId: string,
  idToken: string,
  postLogoutRedirectUri: string,
): URL | undefined {
  if (server.as.end_session_endpoint === undefined) return undefined
  const target = new URL(server.as.end_session_endpoint)
  target.searchParams.set('id_token_hint', idToken)
  target.searchParams.set('client_id', clientId)
  target.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri)
  return target
}
