import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { releasedClaims } from '../../../src/core/oidc/claims.ts'
import { changeClaims } from '../../../src/core/oidc/person-claims.ts'

const ADA = {
  name: 'Ada Lovelace',
  locale: 'en-GB',
  email: 'ada@example.org',
  email_verified: true,
  phone_number: '+44 20 7946 0000',
  address: { locality: 'London' },
  updated_at: 1_700_000_000,
}

describe('claims released by scope (OpenID Connect Core §5.4)', () => {
  test('each scope releases its own claims, and only those the person has', () => {
    assert.deepEqual(releasedClaims(ADA, ['openid']), {})
    assert.deepEqual(releasedClaims(ADA, ['openid', 'email']), {
      email: 'ada@example.org',
      email_verified: true,
    })
    assert.deepEqual(releasedClaims(ADA, ['profile']), {
      name: 'Ada Lovelace',
      locale: 'en-GB',
      updated_at: 1_700_000_000,
    })
    assert.deepEqual(releasedClaims(ADA, ['address', 'phone', 'read']), {
      address: { locality: 'London' },
      phone_number: '+44 20 7946 0000',
    })
  })
})

describe('changing a person’s claims (Core §5.1)', () => {
  const now = new Date('2026-02-03T04:05:06Z')

  test('sets, removes, and stamps updated_at only when something changed', () => {
    const changed = changeClaims(ADA, { name: 'Ada King', locale: '', 'address.country': 'GB' }, now)
    assert.equal(changed.name, 'Ada King')
    assert.equal(changed.locale, undefined)
    assert.deepEqual(changed.address, { locality: 'London', country: 'GB' })
    assert.equal(changed.updated_at, now.getTime() / 1000)
    assert.deepEqual(changeClaims(ADA, { name: 'Ada Lovelace' }, now), ADA, 'the same value changes nothing')
  })

  test('booleans are true or false; removing every address part removes the address', () => {
    assert.equal(changeClaims({}, { phone_number_verified: 'false' }, now).phone_number_verified, false)
    assert.throws(() => changeClaims({}, { email_verified: 'yes' }, now), /true or false/)
    assert.equal(changeClaims(ADA, { 'address.locality': '' }, now).address, undefined)
  })

  test('malformed values are refused, all of them at once', () => {
    assert.throws(
      () => changeClaims({}, { website: 'ftp://x', birthdate: '3 May', locale: 'en US' }, now),
      /website is an http\(s\) URL\. birthdate is YYYY-MM-DD or YYYY\. locale is a BCP 47 tag/,
    )
    assert.throws(() => changeClaims({}, { name: 'x'.repeat(1001) }, now), /at most 1000/)
  })
})
