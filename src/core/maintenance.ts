import type { CoreContext } from './context.ts'
import { PUSHED_REQUEST_INTERACTION_SECONDS } from './par/pushed-requests.ts'

/**
 * Deletes what can never be used again: expired codes, tokens, sessions, device codes and pushed requests. Expiry already makes
 * them useless; this keeps the tables (and their indexes) the size of what is live.
 */
export async function sweepExpired(ctx: Pick<CoreContext, 'stores' | 'clock'>): Promise<number> {
  const now = ctx.clock.now()
  const { codes, tokens, sessions, deviceCodes, pushedRequests } = ctx.stores
  const counts = await Promise.all([
    codes.deleteExpired(now),
    tokens.deleteExpired(now),
    sessions.deleteExpired(now),
    deviceCodes.deleteExpired(now),
    // Kept while the sign-in forms that follow its arrival may still use it (src/core/par/).
    pushedRequests.deleteExpired(new Date(now.getTime() - PUSHED_REQUEST_INTERACTION_SECONDS * 1000)),
  ])
  return counts.reduce((sum, count) => sum + count, 0)
}
