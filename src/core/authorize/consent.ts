import type { CoreContext } from '../context.ts'
import type { Consent } from '../model/consent.ts'

/** Remembers that the user approved these scopes for this client, adding to what they approved before. */
export async function rememberConsent(
  userId: string,
  clientId: string,
  scope: readonly string[],
  ctx: Pick<CoreContext, 'stores' | 'clock'>,
): Promise<void> {
  const now = ctx.clock.now()
  const previous = await ctx.stores.consents.get(userId, clientId)
  const consent: Consent = {
    userId,
    clientId,
    scope: [...new Set([...(previous?.scope ?? []), ...scope])],
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  }
  await ctx.stores.consents.put(consent)
}
