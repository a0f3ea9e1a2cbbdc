import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'
import type { Random } from '../random.ts'

/**
 * What a sealed value is for: each purpose has a key of its own, derived from the configured secret, so the
 * secret itself never touches a cipher and a value sealed for one purpose never opens as another.
 */
export type SealPurpose = 'signing-key encryption v1' | 'client-secret encryption v1'

function keyEncryptionKey(secret: string, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'keyward', purpose, 32))
}

/** AES-256-GCM under the purpose's key: base64url of IV, tag and ciphertext. */
export function seal(plaintext: string, secret: string, purpose: SealPurpose, random: Random): string {
  const iv = random.bytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyEncryptionKey(secret, purpose), iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
}

/** The plaintext of `seal`; throws when the secret or purpose is not the one it was sealed with. */
export function unseal(encoded: string, secret: string, purpose: SealPurpose): string {
  const raw = Buffer.from(encoded, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', keyEncryptionKey(secret, purpose), raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}
