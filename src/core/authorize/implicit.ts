import type { CoreContext } from '../context.ts'
import { newGrant } from '../model/new-grant.ts'
import { targetedIdentifiers } from '../resources/audience.ts'
import { mintAccessToken } from '../tokens/issue.ts'
import type { AuthorizationRequest } from './request.ts'

/** Implicit access tokens live at most five minutes: they travel through the browser (RFC 9700 §2.1.2). */
export const IMPLICIT_MAX_LIFETIME = 300

/** RFC 6749 §4.2.2: an access token straight from the authorization endpoint, under a grant, never refreshable. */
export async function issueImplicitToken(
  request: AuthorizationRequest,
  userId: string,
  ctx: CoreContext,
): Promise<{ accessToken: string; expiresIn: number; scope: readonly string[] }> {
  const { scope, target } = request
  const resources = targetedIdentifiers(target)
  const grant = newGrant({ clientId: request.client.id, userId, scope, resources }, ctx)
  const lifetime = Math.min(
    target.accessTokenLifetime ?? request.client.lifetimes.accessToken ?? IMPLICIT_MAX_LIFETIME,
    IMPLICIT_MAX_LIFETIME,
  )
  const client = { ...request.client, lifetimes: { ...request.client.lifetimes, accessToken: lifetime } }
  // RFC 9449 covers the token endpoint only: a token sent through the browser is a Bearer token.
  const access = mintAccessToken(
    {
      client,
      subject: userId,
      scope,
      grantId: grant.id,
      target: { ...target, accessTokenLifetime: lifetime },
      dpopJkt: null,
    },
    ctx,
  )
  await ctx.stores.transaction(async (tx) => {
    await tx.grants.create(grant)
    if (access.record) await tx.tokens.createAccessToken(access.record)
  })
  return { accessToken: access.token, expiresIn: access.expiresIn, scope: request.scope }
}
