import type { CoreContext } from '../context.ts'
import type { Grant } from '../model/grant.ts'
import type { SecurityEvent } from '../ports/events.ts'
import type { Stores } from '../ports/stores.ts'

/** Why an operator's command revoked something (the grant's revokedReason and the event's reason). */
export const BY_OPERATOR = 'operator'

/** The event that says a grant was revoked, whose it was and why. */
export function grantRevoked(grant: Grant, reason: string): SecurityEvent {
  return { event: 'grant_revoked', grantId: grant.id, clientId: grant.clientId, userId: grant.userId, reason }
}

/** Revokes every live grant of the user with its tokens, inside the caller's transaction; returns those revoked. */
export async function revokeGrantsOf(tx: Stores, userId: string, at: Date, reason: string): Promise<Grant[]> {
  const revoked: Grant[] = []
  for (const grant of await tx.grants.listByUser(userId)) {
    if (grant.revokedAt === null && (await tx.grants.revoke(grant.id, at, reason))) revoked.push(grant)
  }
  return revoked
}

/**
 * An operator revokes a grant, and with `forgetConsent` the consent behind it, so that the person is asked again.
 * False when the grant was revoked already.
 */
export async function revokeGrant(
  grant: Grant,
  options: { readonly forgetConsent: boolean },
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'events'>,
): Promise<boolean> {
  const { revoked, forgotten } = await ctx.stores.transaction(async (tx) => ({
    revoked: await tx.grants.revoke(grant.id, ctx.clock.now(), BY_OPERATOR),
    forgotten: options.forgetConsent && (await tx.consents.delete(grant.userId, grant.clientId)),
  }))
  if (revoked) ctx.events.emit(grantRevoked(grant, BY_OPERATOR))
  if (forgotten) {
    const { userId, clientId } = grant
    ctx.events.emit({ event: 'consent_revoked', userId, clientId, reason: BY_OPERATOR })
  }
  return revoked
}
