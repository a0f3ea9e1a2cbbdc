import { TemporarilyUnavailable } from '../../src/core/errors.ts'
import type { Stores } from '../../src/core/ports/stores.ts'

export const unavailable = () => new TemporarilyUnavailable('The database is unavailable; try again shortly.')

/**
 * `stores` with their next write that redeems a refresh token or an authorization code (the hot path's one
 * statement, or a transaction) cut off as a dropped database connection cuts it: landed or not, it fails with
 * temporarily_unavailable, which the client sees as a 503 and retries.
 */
export function cutOnce(stores: Stores, landed: boolean): Stores {
  let armed = true
  const cut = async <T>(write: () => Promise<T>): Promise<T> => {
    if (!armed) return write()
    armed = false
    if (landed) await write()
    throw unavailable()
  }
  return {
    ...stores,
    tokens: {
      ...stores.tokens,
      rotateRefreshToken: (rotation) => cut(() => stores.tokens.rotateRefreshToken(rotation)),
    },
    codes: { ...stores.codes, redeem: (redemption) => cut(() => stores.codes.redeem(redemption)) },
    transaction: (work) => cut(() => stores.transaction(work)),
  }
}
