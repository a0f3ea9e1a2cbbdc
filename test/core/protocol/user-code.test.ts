import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from '../../../src/core/protocol/user-code.ts'
import type { Random } from '../../../src/core/random.ts'
import { cryptoRandom } from '../../../src/system.ts'

/** Hands out the given bytes in order, as many as each call asks for. */
function scriptedRandom(bytes: readonly number[]): Random {
  let next = 0
  return {
    bytes: (n) => {
      const out = Uint8Array.from(bytes.slice(next, next + n))
      next += n
      if (out.length < n) throw new Error('the script ran out of bytes')
      return out
    },
  }
}

describe('user codes (RFC 8628 §6.1)', () => {
  test('8 letters, all from the consonant alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateUserCode(cryptoRandom)
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/)
    }
  })

  test('byte b maps to letter b mod 20; bytes from 240 up are skipped so every letter is equally likely', () => {
    const code = generateUserCode(scriptedRandom([0, 240, 255, 19, 20, 39, 1, 2, 250, 3, 239, 5, 6, 7, 8, 9]))
    const expected = [0, 19, 0, 19, 1, 2, 3, 239 % 20].map((i) => USER_CODE_ALPHABET[i]).join('')
    assert.equal(code, expected)
  })

  test('a batch of bytes that are all rejected just asks for more', () => {
    const code = generateUserCode(scriptedRandom([...Array(8).fill(255), 0, 1, 2, 3, 4, 5, 6, 7]))
    assert.equal(code, USER_CODE_ALPHABET.slice(0, 8))
  })

  test('shown as XXXX-XXXX', () => {
    assert.equal(formatUserCode('BCDFGHJK'), 'BCDF-GHJK')
  })

  test('entered case-insensitively, with or without the dash or spaces', () => {
    for (const typed of ['BCDF-GHJK', 'bcdf-ghjk', 'BCDFGHJK', 'bcdfghjk', ' bcdf ghjk ', 'Bc-Df-Gh-Jk']) {
      assert.equal(normalizeUserCode(typed), 'BCDFGHJK', typed)
    }
  })

  test('anything that cannot be a code is null: wrong length, vowels, digits, other letters', () => {
    for (const typed of [
      '',
      'BCDF-GHJ',
      'BCDF-GHJKL',
      'BCDF-GHJA',
      'BCDF-GHJ1',
      'BCDF-GHJY',
      'BCDF_GHJK',
      'ßCDF-GHJK',
    ]) {
      assert.equal(normalizeUserCode(typed), null, typed)
    }
  })
})
