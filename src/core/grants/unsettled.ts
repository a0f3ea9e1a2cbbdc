import type { CoreContext } from '../context.ts'
import { TemporarilyUnavailable } from '../errors.ts'
import type { Digest } from '../protocol/digest.ts'

/** How long a client's retry of an unsettled redemption is told from reuse: retries come within seconds. */
const RETRY_WINDOW_SECONDS = 10 * 60

/** The key of a refresh token's or an authorization code's unsettled redemption. */
export const unsettledKey = (kind: 'refresh_token' | 'code', credential: Digest) => `${kind}:${credential}`

/**
 * Runs `write`, which redeems the credential of `key`. When it fails with temporarily_unavailable it may still
 * have landed: what it issued (`issued()`, the digest of the refresh token or the grant's id; null when nothing
 * can tell a retry from reuse) is remembered, so that the client's retry takes its place instead of being
 * taken for reuse. The client is answered the database's 503 either way.
 *
 * If the memory cannot be written either (Redis away as well as the database), the retry may be taken for reuse
 * and the grant revoked: remembering is best effort, and the database's failure is the one the client is told.
 */
export async function settling<T>(
  ctx: Pick<CoreContext, 'unsettled'>,
  key: string,
  issued: () => string | null,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const neverSent = error instanceof TemporarilyUnavailable ? issued() : null
    if (neverSent !== null) {
      await ctx.unsettled.remember(key, neverSent, RETRY_WINDOW_SECONDS).catch(() => undefined)
    }
    throw error
  }
}
