import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type AdviceAnswers, type AdviceKind, advise } from '../../../src/core/advisor/advise.ts'
import { clientPresetForKind } from '../../../src/core/advisor/presets.ts'
import type { ClientType, TokenEndpointAuthMethod } from '../../../src/core/model/client.ts'

const deviceCode = 'urn:ietf:params:oauth:grant-type:device_code'

/** A person signs in to an app that answered no to everything else. */
function answers(overrides: Partial<AdviceAnswers>): AdviceAnswers {
  return {
    userPresent: true,
    canKeepSecret: false,
    browserOnly: false,
    native: false,
    inputConstrained: false,
    firstPartyCannotRedirect: false,
    ...overrides,
  }
}

interface Row {
  readonly description: string
  readonly answers: AdviceAnswers
  readonly kind: AdviceKind
  readonly clientType: ClientType
  readonly authMethod: TokenEndpointAuthMethod
  readonly grantTypes: readonly string[]
  readonly pkce: boolean
  /** One pattern per expected warning, in order. */
  readonly warnings: readonly RegExp[]
}

const confidential = { clientType: 'confidential', authMethod: 'client_secret_basic' } as const
const publicNone = { clientType: 'public', authMethod: 'none' } as const
const codeFlow = { grantTypes: ['authorization_code', 'refresh_token'], pkce: true } as const

const decisionGuide: readonly Row[] = [
  {
    description: 'a nightly job calling an API',
    answers: answers({ userPresent: false, canKeepSecret: true }),
    kind: 'service',
    ...confidential,
    grantTypes: ['client_credentials'],
    pkce: false,
    warnings: [],
  },
  {
    description: 'a server-rendered web app',
    answers: answers({ canKeepSecret: true }),
    kind: 'web',
    ...confidential,
    ...codeFlow,
    warnings: [],
  },
  {
    description: 'a single-page app',
    answers: answers({ browserOnly: true }),
    kind: 'spa',
    ...publicNone,
    ...codeFlow,
    warnings: [],
  },
  {
    description: 'a mobile app',
    answers: answers({ native: true }),
    kind: 'native',
    ...publicNone,
    ...codeFlow,
    warnings: [],
  },
  {
    description: 'a smart TV app',
    answers: answers({ inputConstrained: true }),
    kind: 'device',
    ...publicNone,
    grantTypes: [deviceCode, 'refresh_token'],
    pkce: false,
    warnings: [],
  },
  {
    description: 'a CLI on a headless server',
    answers: answers({ native: true, inputConstrained: true }),
    kind: 'device',
    ...publicNone,
    grantTypes: [deviceCode, 'refresh_token'],
    pkce: false,
    warnings: [],
  },
  {
    description: 'an IoT device whose backend keeps a secret',
    answers: answers({ inputConstrained: true, canKeepSecret: true }),
    kind: 'device',
    ...confidential,
    grantTypes: [deviceCode, 'refresh_token'],
    pkce: false,
    warnings: [],
  },
  {
    description: 'a device that also cannot redirect gets the device flow, not the password grant',
    answers: answers({ inputConstrained: true, firstPartyCannotRedirect: true }),
    kind: 'device',
    ...publicNone,
    grantTypes: [deviceCode, 'refresh_token'],
    pkce: false,
    warnings: [],
  },
  {
    description: 'a first-party legacy desktop app that cannot redirect',
    answers: answers({ native: true, firstPartyCannotRedirect: true }),
    kind: 'legacy-password',
    ...publicNone,
    grantTypes: ['password', 'refresh_token'],
    pkce: false,
    warnings: [/LEGACY FLOW.*RFC 9700 §2\.4.*OAuth 2\.1 removes it/, /^Migrate:.*RFC 8252.*RFC 8628/],
  },
  {
    description: 'a first-party legacy app with a backend that cannot redirect',
    answers: answers({ canKeepSecret: true, firstPartyCannotRedirect: true }),
    kind: 'legacy-password',
    ...confidential,
    grantTypes: ['password', 'refresh_token'],
    pkce: false,
    warnings: [/LEGACY FLOW/, /^Migrate:/],
  },
  {
    description: 'a web app without long sessions gets no refresh token',
    answers: answers({ canKeepSecret: true, needsLongSessions: false }),
    kind: 'web',
    ...confidential,
    grantTypes: ['authorization_code'],
    pkce: true,
    warnings: [],
  },
  {
    description: 'a single-page app that wants long sessions keeps rotating refresh tokens',
    answers: answers({ browserOnly: true, needsLongSessions: true }),
    kind: 'spa',
    ...publicNone,
    ...codeFlow,
    warnings: [],
  },
  {
    description: 'an AI agent or MCP client',
    answers: answers({ agent: true }),
    kind: 'agent',
    ...publicNone,
    ...codeFlow,
    warnings: [],
  },
  {
    description: 'an AI agent in a desktop app',
    answers: answers({ agent: true, native: true }),
    kind: 'agent',
    ...publicNone,
    ...codeFlow,
    warnings: [],
  },
  {
    description: 'a person present but no platform named is read as a public native app',
    answers: answers({}),
    kind: 'native',
    ...publicNone,
    ...codeFlow,
    warnings: [/treated as a public native app/],
  },
]

const contradictions: readonly Row[] = [
  {
    description: 'browser-only yet keeping a secret: public, pointing at backend-for-frontend',
    answers: answers({ browserOnly: true, canKeepSecret: true }),
    kind: 'spa',
    ...publicNone,
    ...codeFlow,
    warnings: [/cannot keep a secret.*backend-for-frontend/],
  },
  {
    description: 'browser-only and native: the browser reading, with shorter lifetimes',
    answers: answers({ browserOnly: true, native: true }),
    kind: 'spa',
    ...publicNone,
    ...codeFlow,
    warnings: [/Both browserOnly and native/],
  },
  {
    description: 'browser-only and input-constrained: code flow, not the phishable device flow',
    answers: answers({ browserOnly: true, inputConstrained: true }),
    kind: 'spa',
    ...publicNone,
    ...codeFlow,
    warnings: [/RFC 8628 §5\.4/],
  },
  {
    description: 'browser-only yet unable to redirect: no password grant',
    answers: answers({ browserOnly: true, firstPartyCannotRedirect: true }),
    kind: 'spa',
    ...publicNone,
    ...codeFlow,
    warnings: [/can always redirect/],
  },
  {
    description: 'native yet keeping a secret: the secret would ship in the binary',
    answers: answers({ native: true, canKeepSecret: true }),
    kind: 'native',
    ...publicNone,
    ...codeFlow,
    warnings: [/RFC 8252 §8\.5/],
  },
  {
    description: 'no user but a browser app without a secret',
    answers: answers({ userPresent: false, browserOnly: true }),
    kind: 'service',
    ...confidential,
    grantTypes: ['client_credentials'],
    pkce: false,
    warnings: [/browserOnly describe an application a person uses/, /RFC 6749 §4\.4/],
  },
  {
    description: 'an agent on a server that could keep a secret: public still, private_key_jwt if it must',
    answers: answers({ agent: true, canKeepSecret: true }),
    kind: 'agent',
    ...publicNone,
    ...codeFlow,
    warnings: [/jwks_uri in its client ID metadata document.*private_key_jwt/],
  },
  {
    description: 'an agent with no person present acts as itself: client credentials',
    answers: answers({ agent: true, userPresent: false, canKeepSecret: true }),
    kind: 'service',
    ...confidential,
    grantTypes: ['client_credentials'],
    pkce: false,
    warnings: [],
  },
  {
    description: 'no user but an input-constrained device with a secret',
    answers: answers({ userPresent: false, inputConstrained: true, canKeepSecret: true }),
    kind: 'service',
    ...confidential,
    grantTypes: ['client_credentials'],
    pkce: false,
    warnings: [/inputConstrained describe .* answer userPresent/],
  },
  {
    description: 'no user and no place for a secret',
    answers: answers({ userPresent: false }),
    kind: 'service',
    ...confidential,
    grantTypes: ['client_credentials'],
    pkce: false,
    warnings: [/secret only a server can keep/],
  },
  {
    description: 'a service that wants long sessions still gets no refresh token',
    answers: answers({ userPresent: false, canKeepSecret: true, needsLongSessions: true }),
    kind: 'service',
    ...confidential,
    grantTypes: ['client_credentials'],
    pkce: false,
    warnings: [/RFC 6749 §4\.4\.3/],
  },
]

function checkRow(row: Row): void {
  const advice = advise(row.answers)
  assert.equal(advice.kind, row.kind)
  assert.equal(advice.clientType, row.clientType)
  assert.equal(advice.tokenEndpointAuthMethod, row.authMethod)
  assert.deepEqual(advice.grantTypes, row.grantTypes)
  assert.equal(advice.pkce, row.pkce)
  assert.equal(advice.warnings.length, row.warnings.length, advice.warnings.join('\n'))
  for (const [index, pattern] of row.warnings.entries()) assert.match(advice.warnings[index] ?? '', pattern)
}

describe('advise: the decision guide', () => {
  for (const row of decisionGuide) test(row.description, () => checkRow(row))
})

describe('advise: contradictory answers resolve to the safer reading with a warning', () => {
  for (const row of contradictions) test(row.description, () => checkRow(row))
})

/** Every combination of the six yes/no answers, with needsLongSessions absent, yes and no. */
function everyCombination(): readonly AdviceAnswers[] {
  const combos: AdviceAnswers[] = []
  for (let bits = 0; bits < 2 ** 6; bits++) {
    const base = {
      userPresent: (bits & 1) !== 0,
      canKeepSecret: (bits & 2) !== 0,
      browserOnly: (bits & 4) !== 0,
      native: (bits & 8) !== 0,
      inputConstrained: (bits & 16) !== 0,
      firstPartyCannotRedirect: (bits & 32) !== 0,
    }
    combos.push(base, { ...base, needsLongSessions: true }, { ...base, needsLongSessions: false })
  }
  return combos
}

test('advise: an agent is told how it registers and how its tokens are bound to one server', () => {
  const { reasons } = advise(answers({ agent: true }))
  assert.ok(reasons.some((reason) => /client ID metadata document/.test(reason)))
  assert.ok(reasons.some((reason) => /dynamic client registration \(RFC 7591/.test(reason)))
  assert.ok(reasons.some((reason) => /RFC 9728.*resource=.*RFC 8707/.test(reason)))
})

describe('advise: invariants over every answer combination', () => {
  const all = everyCombination().map((input) => ({ input, advice: advise(input) }))

  test('covers all 192 combinations', () => assert.equal(all.length, 192))

  test('never recommends the implicit grant', () => {
    for (const { advice } of all) {
      assert.notEqual(advice.kind, 'legacy-implicit')
      assert.ok(!advice.grantTypes.includes('implicit'))
    }
  })

  test('public clients send no secret; confidential ones use HTTP Basic', () => {
    for (const { advice } of all) {
      const expected = advice.clientType === 'public' ? 'none' : 'client_secret_basic'
      assert.equal(advice.tokenEndpointAuthMethod, expected)
    }
  })

  test('client credentials only for confidential clients, and only without a user', () => {
    for (const { input, advice } of all) {
      assert.equal(advice.grantTypes.includes('client_credentials'), !input.userPresent)
      if (advice.kind === 'service') assert.equal(advice.clientType, 'confidential')
    }
  })

  test('PKCE exactly when the authorization code flow is recommended', () => {
    for (const { advice } of all) assert.equal(advice.pkce, advice.grantTypes.includes('authorization_code'))
  })

  test('refresh tokens match the token settings, always rotate, and follow needsLongSessions', () => {
    for (const { input, advice } of all) {
      const refresh = advice.tokenSettings.refresh
      assert.equal(refresh !== null, advice.grantTypes.includes('refresh_token'))
      if (refresh !== null) assert.equal(refresh.rotation, true)
      if (input.needsLongSessions === false) assert.equal(refresh, null)
    }
  })

  test('the password grant always comes with the legacy warning and a migration path', () => {
    for (const { advice } of all) {
      if (advice.kind !== 'legacy-password') continue
      assert.ok(advice.warnings.some((warning) => warning.startsWith('LEGACY FLOW')))
      assert.ok(advice.warnings.some((warning) => warning.startsWith('Migrate:')))
    }
  })

  test('OpenID Connect (openid, nonce, end_session) is advised exactly for web, single-page and native apps', () => {
    const mentionsOidc = (reasons: readonly string[]) =>
      ['openid scope', 'nonce', 'end_session_endpoint'].every((term) =>
        reasons.some((reason) => reason.includes(term)),
      )
    for (const { advice } of all) {
      assert.equal(mentionsOidc(advice.reasons), ['web', 'spa', 'native'].includes(advice.kind), advice.kind)
    }
  })

  test('every recommendation explains itself and states the access-token lifetime', () => {
    for (const { advice } of all) {
      assert.ok(advice.reasons.some((reason) => reason.startsWith('Access tokens live 10 minutes')))
    }
  })
})

describe('advise: reasons cite the specs', () => {
  test('a single-page app is told why not implicit, and to keep tokens in memory', () => {
    const { reasons } = advise(answers({ browserOnly: true }))
    assert.ok(
      reasons.some((reason) => /implicit grant.*RFC 9700 §2\.1\.2.*OAuth 2\.1 removes it/.test(reason)),
    )
    assert.ok(reasons.some((reason) => /in memory, not in localStorage/.test(reason)))
    assert.ok(reasons.some((reason) => /rotate on every use.*RFC 9700 §4\.14\.2/.test(reason)))
  })

  test('a native app is told to use a loopback or private-use scheme redirect and the system browser', () => {
    const { reasons } = advise(answers({ native: true }))
    assert.ok(
      reasons.some((reason) => /loopback.*RFC 8252 §7\.3.*private-use scheme.*RFC 8252 §7\.1/.test(reason)),
    )
    assert.ok(reasons.some((reason) => /system browser.*RFC 8252 §8\.12/.test(reason)))
  })

  test('a device is told about the device flow and phishing', () => {
    const { reasons } = advise(answers({ inputConstrained: true, firstPartyCannotRedirect: true }))
    assert.ok(reasons.some((reason) => /RFC 8628 §3/.test(reason)))
    assert.ok(reasons.some((reason) => /RFC 8628 §5\.4/.test(reason)))
    assert.ok(reasons.some((reason) => /password grant is not needed/.test(reason)))
  })

  test('a web app is told why PKCE applies to confidential clients too', () => {
    const { reasons } = advise(answers({ canKeepSecret: true }))
    assert.ok(reasons.some((reason) => /PKCE.*RFC 9700 §2\.1\.1/.test(reason)))
  })

  test('a web app is told to validate the ID token, check the nonce and log out with RP-Initiated Logout', () => {
    const { reasons } = advise(answers({ canKeepSecret: true }))
    assert.ok(
      reasons.some((reason) => /openid scope.*ID token.*OpenID Connect Core §3\.1\.3\.7/.test(reason)),
    )
    assert.ok(reasons.some((reason) => /nonce.*OpenID Connect Core §3\.1\.2\.1/.test(reason)))
    assert.ok(
      reasons.some((reason) =>
        /end_session_endpoint.*post_logout_redirect_uri.*RP-Initiated Logout/.test(reason),
      ),
    )
  })
})

describe('advise: one source of truth with the presets', () => {
  for (const kind of ['web', 'spa', 'native', 'device', 'service'] as const) {
    test(`${kind} advice carries the ${kind} preset exactly`, () => {
      const row = decisionGuide.find((candidate) => candidate.kind === kind)
      assert.ok(row)
      const advice = advise(row.answers)
      const preset = clientPresetForKind(kind)
      assert.deepEqual(advice.tokenSettings, preset.tokens)
      assert.deepEqual(advice.grantTypes, preset.grantTypes)
      assert.equal(advice.clientType, preset.type)
      assert.equal(advice.tokenEndpointAuthMethod, preset.tokenEndpointAuthMethod)
      assert.equal(advice.pkce, preset.pkce)
    })
  }
})

describe('advise: high-value APIs get the FAPI 2.0 profile', () => {
  test('a web app reaching payments or health data: fapi2, private_key_jwt, PAR and DPoP', () => {
    const advice = advise(answers({ canKeepSecret: true, highValue: true }))
    assert.equal(advice.kind, 'web')
    assert.equal(advice.securityProfile, 'fapi2')
    assert.equal(advice.tokenEndpointAuthMethod, 'private_key_jwt')
    assert.equal(advice.pushedAuthorizationRequests, true)
    assert.equal(advice.dpop, true)
    assert.equal(advice.pkce, true)
    assert.ok(advice.reasons.some((reason) => /FAPI 2\.0 Security Profile §5\.3\.2\.2/.test(reason)))
    assert.ok(advice.reasons.some((reason) => /RFC 9449/.test(reason)))
    assert.deepEqual(advice.warnings, [])
  })

  test('a service calling a high-value API: fapi2, private_key_jwt and DPoP, no PAR (nothing redirects)', () => {
    const advice = advise(answers({ userPresent: false, canKeepSecret: true, highValue: true }))
    assert.equal(advice.kind, 'service')
    assert.equal(advice.securityProfile, 'fapi2')
    assert.equal(advice.tokenEndpointAuthMethod, 'private_key_jwt')
    assert.equal(advice.pushedAuthorizationRequests, false)
    assert.equal(advice.dpop, true)
  })

  test('a public client is not given the profile, and is told to get a backend', () => {
    for (const platform of [{ browserOnly: true }, { native: true }]) {
      const advice = advise(answers({ ...platform, highValue: true }))
      assert.equal(advice.securityProfile, null)
      assert.equal(advice.tokenEndpointAuthMethod, 'none')
      assert.match(advice.warnings.join('\n'), /confidential clients.*backend-for-frontend/)
    }
  })

  test('without high-value data nothing changes', () => {
    const advice = advise(answers({ canKeepSecret: true }))
    assert.equal(advice.securityProfile, null)
    assert.equal(advice.tokenEndpointAuthMethod, 'client_secret_basic')
    assert.equal(advice.pushedAuthorizationRequests, false)
    assert.equal(advice.dpop, false)
  })
})
