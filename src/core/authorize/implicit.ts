import type { CoreContext } from '../context.ts'
import { newGrant } from '../model/new-grant.ts'
import type { Session } from '../model/session.ts'
import { idTokenClaimNames } from '../oidc/claims-request.ts'
import { mintIdToken } from '../oidc/id-token.ts'
import { targetedIdentifiers } from '../resources/audience.ts'
import { mintAccessToken } from '../tokens/issue.ts'
import { type AuthorizationRequest, returnsIdToken } from './request.ts'

/** Implicit access tokens live at most five minutes: they travel through the browser (RFC 9700 §2.1.2). */
export const IMPLICIT_MAX_LIFETIME = 300

/** What an implicit response carries: an access token (RFC 6749 §4.2.2), an ID token (Core §3.2.2.5), or both. */
export interface ImplicitTokens {
  readonly access: { accessToken: string; expiresIn: number; scope: readonly string[] } | null
  readonly idToken: string | null
}

/**
 * RFC 6749 §4.2.2 and OpenID Connect Core §3.2.2.5: tokens straight from the authorization endpoint, under a grant,
 * never refreshable. A grant that gave an ID token keeps the session's sign-in, so that Back-Channel Logout reaches
 * the client when the session ends.
 */
export async function issueImplicitTokens(
  request: AuthorizationRequest,
  session: Session,
  ctx: CoreContext,
): Promise<ImplicitTokens> {
  const { scope, target, client, responseType } = request
  const withIdToken = returnsIdToken(responseType)
  const grant = newGrant(
    { clientId: client.id, userId: session.userId, scope, resources: targetedIdentifiers(target) },
    ctx,
    withIdToken ? { authTime: session.authTime, sid: session.sid } : undefined,
  )
  const lifetime = Math.min(
    target.accessTokenLifetime ?? client.lifetimes.accessToken ?? IMPLICIT_MAX_LIFETIME,
    IMPLICIT_MAX_LIFETIME,
  )
  // RFC 9449 covers the token endpoint only: a token sent through the browser is a Bearer token.
  const access =
    responseType === 'id_token'
      ? null
      : mintAccessToken(
          {
            client: { ...client, lifetimes: { ...client.lifetimes, accessToken: lifetime } },
            subject: session.userId,
            scope,
            grantId: grant.id,
            target: { ...target, accessTokenLifetime: lifetime },
            dpopJkt: null,
          },
          ctx,
        )
  await ctx.stores.transaction(async (tx) => {
    await tx.grants.create(grant)
    if (access?.record) await tx.tokens.createAccessToken(access.record)
  })
  // Signed after the transaction, as at the token endpoint: the first ID token may store the RS256 key.
  const idToken = withIdToken
    ? await mintIdToken(
        {
          client,
          authentication: {
            subject: session.userId,
            authTime: session.authTime,
            sid: session.sid,
            // Core §3.2.2.11: the request's nonce, which the request had to carry.
            nonce: request.nonce,
            claims: idTokenClaimNames(request.claims, scope),
          },
          scope,
          accessToken: access?.token ?? null,
          expiresIn: access?.expiresIn ?? lifetime,
        },
        ctx,
      )
    : null
  return {
    access: access === null ? null : { accessToken: access.token, expiresIn: access.expiresIn, scope },
    idToken,
  }
}
