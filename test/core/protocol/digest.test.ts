import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Digest, digest, matchesDigest } from '../../../src/core/protocol/digest.ts'

describe('digest', () => {
  test('is SHA-256 in base64url (FIPS 180-2 test vector "abc")', () => {
    assert.equal(digest('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
  })

  test('is deterministic and never contains the secret', () => {
    const secret = 'kw_rt_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
    assert.equal(digest(secret), digest(secret))
    assert.ok(!digest(secret).includes(secret.slice(6, 16)))
    assert.notEqual(digest(secret), digest(`${secret}x`))
  })

  test('matchesDigest accepts the secret and nothing else', () => {
    const stored = digest('s3cret')
    assert.equal(matchesDigest('s3cret', stored), true)
    assert.equal(matchesDigest('s3cret ', stored), false)
    assert.equal(matchesDigest('S3cret', stored), false)
    assert.equal(matchesDigest('', stored), false)
  })

  test('a stored value of another length is a mismatch, not an exception', () => {
    assert.equal(matchesDigest('s3cret', 'short' as Digest), false)
    assert.equal(matchesDigest('s3cret', '' as Digest), false)
  })

  test('non-ASCII secrets are hashed as UTF-8', () => {
    assert.equal(matchesDigest('pässwörd', digest('pässwörd')), true)
    assert.equal(matchesDigest('passwoerd', digest('pässwörd')), false)
  })
})
