import type { CoreContext } from './context.ts'
import { PUSHED_REQUEST_INTERACTION_SECONDS } from './par/pushed-requests.ts'

/**
 * Deletes what can never be used again: expired codes, tokens, sessions, device codes, pushed requests and initial
 * access tokens. Expiry already makes them useless; this keeps the tables (and their indexes) the size of what is
 * live. Clients that registered themselves and never received a token within `registration.unusedClientLifetime`
 * go too.
 */
export async function sweepExpired(
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'config' | 'events'>,
): Promise<number> {
  const now = ctx.clock.now()
  const { codes, tokens, sessions, deviceCodes, pushedRequests, initialAccessTokens, clients } = ctx.stores
  const unusedSince = new Date(now.getTime() - ctx.config.registration.unusedClientLifetime * 1000)
  const [unused, ...counts] = await Promise.all([
    clients.deleteUnusedDynamic(unusedSince),
    codes.deleteExpired(now),
    tokens.deleteExpired(now),
    sessions.deleteExpired(now),
    deviceCodes.deleteExpired(now),
    // Kept while the sign-in forms that follow its arrival may still use it (src/core/par/).
    pushedRequests.deleteExpired(new Date(now.getTime() - PUSHED_REQUEST_INTERACTION_SECONDS * 1000)),
    initialAccessTokens.deleteSpent(now),
  ])
  for (const clientId of unused) ctx.events.emit({ event: 'client_deleted', clientId, reason: 'never_used' })
  return counts.reduce((sum, count) => sum + count, unused.length)
}
