import { createHmac, timingSafeEqual } from 'node:crypto'
import type { CoreContext } from '../context.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'

/**
 * RFC 9449 §8: nonces are stateless, so every node issues and accepts the same ones: the number of the current
 * minute and its HMAC under the server's secret. A nonce is accepted in its minute and the next, so a client
 * that just got one has at least a minute to use it, and one issued two minutes ago is stale.
 */
const NONCE_PERIOD_MS = 60_000

type NonceDeps = Pick<CoreContext, 'config' | 'clock'>

function nonceFor(period: number, secret: string): string {
  // A label of its own: the secret also keys other things (CSRF tokens), whose values must never pass for a nonce.
  const mac = createHmac('sha256', secret).update(`keyward dpop nonce ${period}`).digest('base64url')
  return `${period.toString(36)}.${mac.slice(0, 22)}`
}

const periodAt = (deps: NonceDeps) => Math.floor(deps.clock.now().getTime() / NONCE_PERIOD_MS)

/** The nonce a client is to put in its next proofs (the DPoP-Nonce header). */
export function currentNonce(deps: NonceDeps): string {
  return nonceFor(periodAt(deps), deps.config.secret)
}

/** Whether `nonce` is one this server issued this minute or the last. */
export function isFreshNonce(nonce: unknown, deps: NonceDeps): boolean {
  if (typeof nonce !== 'string') return false
  const now = periodAt(deps)
  return [now, now - 1].some((period) => {
    const expected = Buffer.from(nonceFor(period, deps.config.secret))
    const presented = Buffer.from(nonce)
    return expected.length === presented.length && timingSafeEqual(expected, presented)
  })
}

/** RFC 9449 §8.2: an answer to a request with a proof hands out the current nonce, before the client's goes stale. */
export function withFreshNonce(result: EndpointResult, usedProof: boolean, deps: NonceDeps): EndpointResult {
  return deps.config.dpopNonces && usedProof ? { ...result, dpopNonce: currentNonce(deps) } : result
}
