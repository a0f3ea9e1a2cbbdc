import type { CoreContext } from '../context.ts'
import type { Grant } from '../model/grant.ts'
import type { SecurityEvent } from '../ports/events.ts'
import type { Stores } from '../ports/stores.ts'

/** Why an operator's command revoked something (the grant's revokedReason and the event's reason). */
export const BY_OPERATOR = 'operator'
/** Why a person's own action (on their account page) revoked something. */
export const BY_PERSON = 'user'

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
  announceRevocation(grant, revoked ? [grant] : [], forgotten, BY_OPERATOR, ctx)
  return revoked
}

/**
 * A person disconnects an application: every live grant of theirs for the client is revoked with its tokens,
 * their codes and device approvals not yet collected by it are withdrawn, and their consent is forgotten, in one
 * transaction, so that the application must ask them again. False when there was no grant or consent to end.
 */
export async function disconnectClient(
  access: { readonly userId: string; readonly clientId: string },
  reason: string,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'events'>,
): Promise<boolean> {
  const { userId, clientId } = access
  const { revoked, forgotten } = await ctx.stores.transaction(async (tx) => {
    const now = ctx.clock.now()
    const ended: Grant[] = []
    for (const grant of await tx.grants.listByUser(userId)) {
      if (grant.clientId !== clientId || grant.revokedAt !== null) continue
      if (await tx.grants.revoke(grant.id, now, reason)) ended.push(grant)
    }
    // What would become a grant of the client's later: codes not yet redeemed, devices approved not yet polled.
    await tx.codes.deleteUnusedByUser(userId, clientId)
    await tx.deviceCodes.denyApprovedByUser(userId, clientId)
    return { revoked: ended, forgotten: await tx.consents.delete(userId, clientId) }
  })
  announceRevocation(access, revoked, forgotten, reason, ctx)
  return revoked.length > 0 || forgotten
}

/** The events of a revocation: each grant revoked, and the consent forgotten if it was. */
function announceRevocation(
  access: { readonly userId: string; readonly clientId: string },
  revoked: readonly Grant[],
  forgotten: boolean,
  reason: string,
  ctx: Pick<CoreContext, 'events'>,
): void {
  for (const grant of revoked) ctx.events.emit(grantRevoked(grant, reason))
  if (forgotten) {
    const { userId, clientId } = access
    ctx.events.emit({ event: 'consent_revoked', userId, clientId, reason })
  }
}

/** A grant, with the name of its client: what the person saw on the consent page. */
export interface NamedGrant {
  readonly grant: Grant
  readonly clientName: string | null
}

/** A person's grants, live and revoked; with `client`, only those to the client of that id or name. */
export async function grantsOf(
  userId: string,
  client: string | undefined,
  ctx: Pick<CoreContext, 'stores'>,
): Promise<readonly NamedGrant[]> {
  const grants = await ctx.stores.grants.listByUser(userId)
  // Each client once, by id.
  const names = new Map(
    await Promise.all(
      [...new Set(grants.map((grant) => grant.clientId))].map(
        async (id) => [id, (await ctx.stores.clients.get(id))?.name ?? null] as const,
      ),
    ),
  )
  return grants
    .map((grant) => ({ grant, clientName: names.get(grant.clientId) ?? null }))
    .filter(
      ({ grant, clientName }) => client === undefined || grant.clientId === client || clientName === client,
    )
}
