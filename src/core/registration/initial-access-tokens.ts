import type { CoreContext } from '../context.ts'
import type { InitialAccessToken } from '../model/initial-access-token.ts'
import { digest } from '../protocol/digest.ts'
import { randomId, randomToken } from '../random.ts'

/** The most registrations one initial access token may make, and the longest it may live (30 days). */
export const INITIAL_ACCESS_TOKEN_LIMITS = { uses: 1000, ttlSeconds: 30 * 24 * 60 * 60 } as const

/**
 * RFC 7591 §3: a token that lets its holder register clients under the `token` policy, for `ttlSeconds` and
 * `uses` registrations. It is returned once, here; only its digest is kept (architecture §5).
 */
export async function createInitialAccessToken(
  options: { readonly ttlSeconds: number; readonly uses: number },
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'random' | 'events'>,
): Promise<{ token: string; record: InitialAccessToken }> {
  const { ttlSeconds, uses } = options
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < 1 ||
    ttlSeconds > INITIAL_ACCESS_TOKEN_LIMITS.ttlSeconds
  ) {
    throw new RangeError('An initial access token lives from 1 second to 30 days.')
  }
  if (!Number.isInteger(uses) || uses < 1 || uses > INITIAL_ACCESS_TOKEN_LIMITS.uses) {
    throw new RangeError(
      `An initial access token makes from 1 to ${INITIAL_ACCESS_TOKEN_LIMITS.uses} registrations.`,
    )
  }
  const token = randomToken(ctx.random)
  const now = ctx.clock.now()
  const record: InitialAccessToken = {
    id: randomId(ctx.random),
    digest: digest(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    usesLeft: uses,
  }
  await ctx.stores.initialAccessTokens.create(record)
  ctx.events.emit({ event: 'initial_access_token_created', initialAccessTokenId: record.id })
  return { token, record }
}

/** Revokes an initial access token by its id; false when there is none. Clients it registered stay. */
export async function revokeInitialAccessToken(
  id: string,
  ctx: Pick<CoreContext, 'stores' | 'events'>,
): Promise<boolean> {
  const revoked = await ctx.stores.initialAccessTokens.delete(id)
  if (revoked) ctx.events.emit({ event: 'initial_access_token_revoked', initialAccessTokenId: id })
  return revoked
}
