import { randomFillSync } from 'node:crypto'
import type { Clock, Random } from './core/index.ts'

// The real time and randomness, handed to the core by the edges (server, CLI).
export const systemClock: Clock = { now: () => new Date() }

/** Random bytes drawn from a pool refilled 4 KiB at a time: one call into OpenSSL per ~128 tokens, not per token. */
function pooledRandom(poolSize = 4096): Random {
  let pool = randomFillSync(Buffer.allocUnsafe(poolSize))
  let offset = 0
  return {
    bytes(n) {
      if (n > poolSize) return randomFillSync(new Uint8Array(n))
      if (offset + n > poolSize) {
        pool = randomFillSync(Buffer.allocUnsafe(poolSize))
        offset = 0
      }
      // A copy, so that no two callers ever share bytes; the pool's bytes are used once.
      const bytes = new Uint8Array(pool.subarray(offset, offset + n))
      offset += n
      return bytes
    },
  }
}

export const cryptoRandom: Random = pooledRandom()
