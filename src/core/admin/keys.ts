import type { CoreContext } from '../context.ts'
import type { SigningKey } from '../model/signing-key.ts'
import { rotateSigningKey } from '../tokens/signing-keys.ts'

/** A retired key stays published this much longer than the longest access token, for nodes still signing with it. */
const RELOAD_MARGIN_SECONDS = 120

/**
 * Makes a new signing key and retires the others, which stay in the JWKS until every access token they may have
 * signed has expired (the longest lifetime of the server and its clients, plus a margin). Returns the new key and
 * how many seconds the old ones stay published.
 */
export async function rotateKeys(
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events'>,
): Promise<{ key: SigningKey; publishedFor: number }> {
  const { config } = ctx
  const clients = await ctx.stores.clients.list()
  const longest = Math.max(config.lifetimes.accessToken, ...clients.map((c) => c.lifetimes.accessToken ?? 0))
  const publishedFor = longest + RELOAD_MARGIN_SECONDS
  // One transaction: servers reload once, and never see the new key beside an unretired old one.
  const key = await ctx.stores.transaction((tx) =>
    rotateSigningKey(tx.keys, {
      secret: config.secret,
      clock: ctx.clock,
      random: ctx.random,
      algorithm: config.signingAlgorithm,
      publishFor: publishedFor,
      events: ctx.events,
    }),
  )
  return { key, publishedFor }
}
