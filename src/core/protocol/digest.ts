import { hash, timingSafeEqual } from 'node:crypto'

/** A SHA-256 digest of a high-entropy secret (token, code, client secret): the only form stored at rest. */
export type Digest = string & { readonly __brand: 'Digest' }

/** SHA-256 suits 256-bit random values: they cannot be guessed, so no slow hash is needed (architecture §5). */
export function digest(secret: string): Digest {
  // The one-shot hash: no Hash object per call, about half the time of createHash here.
  return hash('sha256', secret, 'base64url') as Digest
}

/** Constant-time comparison of a presented secret with a stored digest. */
export function matchesDigest(secret: string, stored: Digest): boolean {
  const a = Buffer.from(digest(secret))
  const b = Buffer.from(stored)
  return a.length === b.length && timingSafeEqual(a, b)
}
