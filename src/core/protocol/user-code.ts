import type { Random } from '../random.ts'

// RFC 8628 §6.1: consonants only (no vowels, so no words), no easily confused letters.
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'
const LENGTH = 8

/** A fresh user code, normalized (8 letters, no dash). 20^8 ≈ 2^34.6 possibilities, so guessing is rate-limited. */
export function generateUserCode(random: Random): string {
  let code = ''
  while (code.length < LENGTH) {
    // Rejection sampling keeps every letter equally likely: 240 is the largest multiple of 20 below 256.
    for (const byte of random.bytes(LENGTH)) {
      if (byte < 240 && code.length < LENGTH) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length]
    }
  }
  return code
}

/** XXXX-XXXX, as it is shown to a person. */
export function formatUserCode(normalized: string): string {
  return `${normalized.slice(0, 4)}-${normalized.slice(4)}`
}

/** What a person typed, case-insensitive, with or without the dash or spaces; null when it cannot be a code. */
export function normalizeUserCode(input: string): string | null {
  const normalized = input.toUpperCase().replace(/[\s-]/g, '')
  if (normalized.length !== LENGTH) return null
  for (const letter of normalized) if (!USER_CODE_ALPHABET.includes(letter)) return null
  return normalized
}
