import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { clientErrors, lintServer } from '../../src/core/advisor/lint.ts'
import {
  type ClientRegistration,
  ClientRegistrationError,
  registerClient,
} from '../../src/core/client-registration.ts'
import { KNOWN_GRANT_TYPES, legacyFlowOf, redirectsToClient } from '../../src/core/grants/index.ts'
import type { Client } from '../../src/core/model/client.ts'
import { matchesDigest } from '../../src/core/protocol/digest.ts'
import { cryptoRandom } from '../../src/system.ts'
import { testClock } from '../support/clock.ts'
import { testConfig } from '../support/fixtures.ts'

const config = testConfig()
const deps = { config, clock: testClock(), random: cryptoRandom }

const webApp: ClientRegistration = {
  name: 'Photo App',
  type: 'confidential',
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: ['https://photos.example/callback'],
  scopes: ['profile', 'read'],
}

const day = 86_400

/** Why registering webApp with `overrides` is refused; empty when it is registered. */
function problemsOf(overrides: Partial<ClientRegistration>): readonly string[] {
  try {
    registerClient({ ...webApp, ...overrides }, deps)
    return []
  } catch (error) {
    if (error instanceof ClientRegistrationError) return error.problems
    throw error
  }
}

describe('registration problems', () => {
  test('a sound registration has none', () => {
    assert.deepEqual(problemsOf({}), [])
    assert.deepEqual(
      problemsOf({ type: 'public', redirectUris: ['http://127.0.0.1/cb', 'com.example.app:/cb'] }),
      [],
    )
  })

  test('each mistake is named', () => {
    const cases: readonly [Partial<ClientRegistration>, RegExp][] = [
      [{ name: '  ' }, /needs a name/],
      [{ grantTypes: [] }, /no grant types/],
      [{ grantTypes: ['authorization_code', 'magic'] }, /Unknown grant type magic/],
      [{ grantTypes: ['authorization_code', 'password'] }, /password grant is a legacy flow/],
      [{ grantTypes: ['implicit'] }, /implicit grant is a legacy flow/],
      [
        { type: 'public', grantTypes: ['client_credentials'], redirectUris: [] },
        /public client has client_credentials/,
      ],
      [
        { type: 'public', tokenEndpointAuthMethod: 'client_secret_basic' },
        /public but authenticates with client_secret_basic/,
      ],
      [{ tokenEndpointAuthMethod: 'none' }, /confidential but its token endpoint auth method is none/],
      [{ redirectUris: [] }, /authorization_code needs at least one redirect URI/],
      [
        { redirectUris: ['http://photos.example/cb'] },
        /http:\/\/photos.example\/cb uses plain http off the local machine/,
      ],
      [{ redirectUris: ['https://photos.example/cb#x'] }, /fragment/],
      [{ redirectUris: ['https://*.photos.example/cb'] }, /wildcard/],
      [{ type: 'public', redirectUris: ['photos:/cb'] }, /private-use \(reverse domain name\) scheme/],
      [{ lifetimes: { accessToken: 2 * day } }, /Access tokens live 2 days/],
      [{ scopes: ['profile', 'admin'] }, /scope admin is not defined/],
      [{ defaultScopes: ['write'] }, /default scope write is not among the client's scopes/],
      [
        {
          grantTypes: ['authorization_code', 'implicit'],
          allowLegacy: ['implicit'],
          dpopBoundAccessTokens: true,
        },
        /requires DPoP cannot use the implicit flow/,
      ],
    ]
    for (const [overrides, problem] of cases) {
      const problems = problemsOf(overrides)
      assert.equal(problems.length, 1, `${JSON.stringify(overrides)}: ${problems.join(' | ')}`)
      assert.match(problems[0] ?? '', problem)
    }
  })

  test('a legacy flow is accepted with the operator’s explicit acknowledgement', () => {
    assert.deepEqual(
      problemsOf({ grantTypes: ['authorization_code', 'implicit'], allowLegacy: ['implicit'] }),
      [],
    )
    assert.deepEqual(
      problemsOf({ grantTypes: ['password'], allowLegacy: ['password'], redirectUris: [] }),
      [],
    )
    assert.equal(
      problemsOf({ grantTypes: ['password'], allowLegacy: ['implicit'], redirectUris: [] }).length,
      1,
    )
  })

  test('client_credentials alone needs no redirect URI', () => {
    assert.deepEqual(problemsOf({ grantTypes: ['client_credentials'], redirectUris: [] }), [])
  })

  test('the grant types that need redirect URIs are the ones whose flow redirects, as the registry says', () => {
    assert.deepEqual(KNOWN_GRANT_TYPES.filter(redirectsToClient), ['authorization_code', 'implicit'])
    for (const grantType of KNOWN_GRANT_TYPES) {
      const legacy = legacyFlowOf(grantType)
      const problems = problemsOf({
        grantTypes: [grantType],
        redirectUris: [],
        ...(legacy ? { allowLegacy: [legacy] } : {}),
      })
      const needsRedirect = problems.some((problem) => /needs at least one redirect URI/.test(problem))
      assert.equal(needsRedirect, redirectsToClient(grantType), grantType)
    }
  })

  test('every problem is reported at once', () => {
    const problems = problemsOf({
      name: '',
      grantTypes: ['magic'],
      redirectUris: ['http://x.example/'],
      scopes: ['admin'],
    })
    assert.equal(problems.length, 4)
  })
})

describe('registration refuses exactly what keyward lint calls an error', () => {
  const sound = registerClient(webApp, deps).client

  test('a client lint calls an error in is refused with the lint rule’s message', () => {
    const cases: readonly Partial<ClientRegistration & Client>[] = [
      { grantTypes: [] },
      { redirectUris: ['https://photos.example/cb#top'] },
      { redirectUris: ['http://photos.example/cb', 'https://*.photos.example/cb'] },
      { lifetimes: { accessToken: 2 * day } },
    ]
    for (const overrides of cases) {
      const linted = clientErrors(config, { ...sound, ...overrides } as Client)
      assert.ok(linted.length > 0, JSON.stringify(overrides))
      assert.deepEqual(
        problemsOf(overrides),
        linted.map((finding) => finding.message),
      )
    }
  })

  test('what lint only warns about is registered', () => {
    // access-token-lifetime-long warns from an hour to a day: advice, not a refusal.
    const registration = { ...webApp, lifetimes: { accessToken: 6 * 3600 } }
    const { client } = registerClient(registration, deps)
    const finding = lintServer(config, [client]).find(({ id }) => id === 'access-token-lifetime-long')
    assert.equal(finding?.severity, 'warning')
    assert.deepEqual(clientErrors(config, client), [])
  })
})

describe('a security profile is enforced at registration (FAPI 2.0)', () => {
  const keys = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }

  test('a client that meets it is registered, held to the profile', () => {
    const { client, secret } = registerClient(
      { ...webApp, securityProfile: 'fapi2', tokenEndpointAuthMethod: 'private_key_jwt', jwks: keys },
      deps,
    )
    assert.equal(client.securityProfile, 'fapi2')
    assert.equal(secret, null)
  })

  test('a secret, a public client or a legacy grant is refused with the profile named', () => {
    assert.deepEqual(problemsOf({ securityProfile: 'fapi2' }), [
      'The FAPI 2.0 Security Profile requires private_key_jwt; this client uses client_secret_basic.',
    ])
    const publicApp = problemsOf({
      securityProfile: 'fapi2',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
    })
    assert.ok(
      publicApp.some((problem) => /admits confidential clients only/.test(problem)),
      publicApp.join('\n'),
    )
    const password = problemsOf({
      securityProfile: 'fapi2',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: keys,
      grantTypes: ['authorization_code', 'password'],
      allowLegacy: ['password'],
    })
    assert.deepEqual(password, ['The FAPI 2.0 Security Profile forbids password, which this client has.'])
  })

  test("the server's defaultSecurityProfile holds a client registered without one; null opts out", () => {
    const strict = { ...deps, config: testConfig({ defaultSecurityProfile: 'fapi2' }) }
    assert.throws(() => registerClient(webApp, strict), /FAPI 2\.0 Security Profile requires private_key_jwt/)
    const keyed = { ...webApp, tokenEndpointAuthMethod: 'private_key_jwt', jwks: keys } as const
    assert.equal(registerClient(keyed, strict).client.securityProfile, 'fapi2')
    assert.equal(registerClient({ ...webApp, securityProfile: null }, strict).client.securityProfile, null)
    assert.equal(registerClient(webApp, deps).client.securityProfile, null)
  })

  test('require_pushed_authorization_requests is kept as registered, off by default', () => {
    assert.equal(registerClient(webApp, deps).client.requirePushedAuthorizationRequests, false)
    const pushing = registerClient({ ...webApp, requirePushedAuthorizationRequests: true }, deps)
    assert.equal(pushing.client.requirePushedAuthorizationRequests, true)
  })
})

describe('registerClient', () => {
  test('a client id never starts with a dash or an underscore: it is typed as a command-line argument', () => {
    // Random bytes that encode to '-' or '_' first (0xF8-0xFF): `keyward clients show -Abc` read the id as an option.
    for (const first of [0xf8, 0xfc, 0xff]) {
      const random = { bytes: (n: number) => new Uint8Array(n).fill(first) }
      const { client } = registerClient(webApp, { ...deps, random })
      assert.match(client.id, /^[A-Za-z0-9]/)
      assert.equal(Buffer.from(client.id, 'base64url').length, 16)
    }
  })

  test('a confidential client gets a secret, shown once; only its digest is kept', () => {
    const { client, secret } = registerClient(webApp, deps)
    assert.ok(secret !== null)
    assert.ok(Buffer.from(secret, 'base64url').length >= 32, 'a 256-bit secret')
    assert.ok(client.secretDigest !== null && matchesDigest(secret, client.secretDigest))
    assert.ok(!JSON.stringify(client).includes(secret))
    assert.equal(client.tokenEndpointAuthMethod, 'client_secret_basic')
  })

  test('safe defaults: default scopes are all the client’s scopes, JWT tokens, no legacy flows, no introspection', () => {
    const { client } = registerClient({ ...webApp, name: '  Photo App  ' }, deps)
    assert.equal(client.name, 'Photo App')
    assert.deepEqual(client.defaultScopes, ['profile', 'read'])
    assert.equal(client.accessTokenFormat, 'jwt')
    assert.deepEqual(client.legacyFlows, [])
    assert.equal(client.canIntrospect, false)
    assert.deepEqual(client.lifetimes, {})
    assert.deepEqual(client.createdAt, deps.clock.now())
  })

  test('a public client has no secret and authenticates with none', () => {
    const { client, secret } = registerClient({ ...webApp, type: 'public' }, deps)
    assert.equal(secret, null)
    assert.equal(client.secretDigest, null)
    assert.equal(client.tokenEndpointAuthMethod, 'none')
  })

  test('client ids are random and distinct', () => {
    const ids = new Set(Array.from({ length: 50 }, () => registerClient(webApp, deps).client.id))
    assert.equal(ids.size, 50)
  })

  test('the legacy flows acknowledged become the client’s legacyFlows', () => {
    const { client } = registerClient(
      { ...webApp, grantTypes: ['authorization_code', 'implicit'], allowLegacy: ['implicit'] },
      deps,
    )
    assert.deepEqual(client.legacyFlows, ['implicit'])
  })

  test('a registration with problems throws them all and registers nothing', () => {
    assert.throws(
      () => registerClient({ ...webApp, name: '', scopes: ['admin'] }, deps),
      (error) => {
        assert.ok(error instanceof ClientRegistrationError)
        assert.equal(error.problems.length, 2)
        assert.equal(error.message, error.problems.join('\n'))
        return true
      },
    )
  })
})

describe('lint errors at registration', () => {
  const weekLong = { ...webApp, lifetimes: { accessToken: 7 * day } }

  test('are refused as the findings lint reports, which the operator may accept', () => {
    assert.throws(
      () => registerClient(weekLong, deps),
      (error) => {
        assert.ok(error instanceof ClientRegistrationError)
        assert.deepEqual(
          error.lintErrors.map((finding) => finding.id),
          ['access-token-lifetime-long'],
        )
        assert.deepEqual(
          error.problems,
          error.lintErrors.map((finding) => finding.message),
        )
        return true
      },
    )
    const { client } = registerClient(weekLong, deps, { acceptLintErrors: true })
    assert.equal(client.lifetimes.accessToken, 7 * day)
  })

  test('accepting them never accepts the registration’s own problems', () => {
    assert.throws(
      () => registerClient({ ...weekLong, scopes: ['admin'] }, deps, { acceptLintErrors: true }),
      (error) => error instanceof ClientRegistrationError && error.lintErrors.length === 0,
    )
  })
})
