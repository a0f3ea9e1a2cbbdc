import type { CoreContext } from './context.ts'

/**
 * Deletes what can never be used again: expired codes, tokens, sessions and device codes. Expiry already makes
 * them useless; this keeps the tables (and their indexes) the size of what is live.
 */
export async function sweepExpired(ctx: Pick<CoreContext, 'stores' | 'clock'>): Promise<number> {
  const now = ctx.clock.now()
  const { codes, tokens, sessions, deviceCodes } = ctx.stores
  const counts = await Promise.all([
    codes.deleteExpired(now),
    tokens.deleteExpired(now),
    sessions.deleteExpired(now),
    deviceCodes.deleteExpired(now),
  ])
  return counts.reduce((sum, count) => sum + count, 0)
}
