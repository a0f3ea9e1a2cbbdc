import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ClientRegistrationError, registerClient } from '../../../src/core/client-registration.ts'
import { sectorIdentifier, subjectFor } from '../../../src/core/oidc/subject.ts'
import { cryptoRandom } from '../../../src/system.ts'
import { testClock } from '../../support/clock.ts'
import { testConfig, webClient } from '../../support/fixtures.ts'

const SECRET = 's'.repeat(32)
const pairwise = (...redirectUris: string[]) => webClient({ subjectType: 'pairwise', redirectUris })

describe('subject identifiers (OpenID Connect Core §8)', () => {
  test('public: the local id itself, for every client', () => {
    assert.equal(subjectFor(webClient(), 'user-1', SECRET), 'user-1')
  })

  test('pairwise: a stable 256-bit value per sector and person, never the local id', () => {
    const sub = subjectFor(pairwise('https://app.example/cb'), 'user-1', SECRET)
    assert.match(sub, /^[A-Za-z0-9_-]{43}$/)
    assert.ok(!sub.includes('user-1'))
    assert.equal(subjectFor(pairwise('https://app.example/cb'), 'user-1', SECRET), sub, 'stable')
    assert.equal(
      subjectFor(pairwise('https://app.example/other', 'https://app.example:8443/x'), 'user-1', SECRET),
      sub,
      'the sector is the host: paths and ports do not change it',
    )
    assert.notEqual(subjectFor(pairwise('https://other.example/cb'), 'user-1', SECRET), sub, 'another sector')
    assert.notEqual(subjectFor(pairwise('https://app.example/cb'), 'user-2', SECRET), sub, 'another person')
    assert.notEqual(
      subjectFor(pairwise('https://app.example/cb'), 'user-1', 't'.repeat(32)),
      sub,
      'keyed by the secret: nobody without it can compute or check a sub',
    )
  })

  test('the sector is the one host of the redirect URIs, or none', () => {
    assert.equal(sectorIdentifier(pairwise('https://a.example/1', 'https://a.example/2')), 'a.example')
    assert.equal(sectorIdentifier(pairwise('https://a.example/1', 'https://b.example/2')), null)
    assert.equal(sectorIdentifier(pairwise('com.example.app:/callback')), null)
    assert.equal(sectorIdentifier(pairwise()), null)
  })

  test('registration refuses a pairwise client without one sector, naming the redirect URIs', () => {
    const deps = { config: testConfig(), clock: testClock(), random: cryptoRandom }
    const register = (redirectUris: string[]) => () =>
      registerClient(
        {
          name: 'Pairwise app',
          type: 'confidential',
          grantTypes: ['authorization_code'],
          redirectUris,
          scopes: ['read'],
          subjectType: 'pairwise',
        },
        deps,
      )
    assert.throws(register(['https://a.example/cb', 'https://b.example/cb']), (error) => {
      assert.ok(error instanceof ClientRegistrationError)
      assert.match(error.redirectUriProblems.join('\n'), /one host.*sector_identifier_uri/)
      return true
    })
    assert.equal(register(['https://a.example/cb', 'https://a.example/cb2'])().client.subjectType, 'pairwise')
  })
})
