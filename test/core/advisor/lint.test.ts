import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  type Finding,
  formatFindings,
  type LintInput,
  lintConfiguration,
} from '../../../src/core/advisor/lint.ts'
import { lintRules } from '../../../src/core/advisor/rules/index.ts'
import type { Severity } from '../../../src/core/advisor/rules/rule.ts'
import { digest } from '../../../src/core/protocol/digest.ts'
import { lintInput, publicClient, webClient } from '../../support/fixtures.ts'

const hour = 3600
const day = 24 * hour

const serviceClient = webClient({
  id: 'billing-job',
  grantTypes: ['client_credentials'],
  redirectUris: [],
})

/** A client held to the FAPI 2.0 Security Profile that meets every requirement Keyward can check. */
const fapiClient = webClient({
  id: 'bank-app',
  securityProfile: 'fapi2',
  tokenEndpointAuthMethod: 'private_key_jwt',
  secretDigest: null,
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] },
})

/** The fixture's scopes with openid beside them, for clients that sign people in. */
const openidScopes = [...lintInput().scopes, { name: 'openid', description: 'Sign you in with your account' }]
const signInClient = webClient({ scopes: ['openid', 'read', 'write'] })

const sixScopes = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name, description: `Scope ${name}` }))

interface RuleCase {
  readonly id: string
  readonly severity: Severity
  readonly clientId: string | null
  /** A configuration that breaks the rule. */
  readonly triggers: LintInput
  /** The nearest configuration that keeps it; it passes every rule. */
  readonly passes: LintInput
}

const ruleCases: readonly RuleCase[] = [
  {
    id: 'issuer-not-https',
    severity: 'error',
    clientId: null,
    triggers: lintInput({ issuer: 'http://auth.example.com' }),
    passes: lintInput({ issuer: 'http://127.0.0.1:3000' }),
  },
  {
    id: 'client-no-grant-types',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ grantTypes: [] })] }),
    passes: lintInput({ clients: [webClient({ grantTypes: ['authorization_code'] })] }),
  },
  {
    id: 'legacy-implicit-enabled',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ legacyFlows: ['implicit'] })] }),
    passes: lintInput(),
  },
  {
    id: 'legacy-password-enabled',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({
      clients: [webClient({ legacyFlows: ['password'], grantTypes: ['password', 'refresh_token'] })],
    }),
    passes: lintInput(),
  },
  {
    id: 'implicit-openid',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({
      scopes: openidScopes,
      clients: [webClient({ scopes: ['openid', 'read', 'write'], legacyFlows: ['implicit'] })],
    }),
    passes: lintInput({ scopes: openidScopes, clients: [signInClient] }),
  },
  {
    id: 'redirect-uri-invalid',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ redirectUris: ['/callback'] })] }),
    passes: lintInput({ clients: [webClient({ redirectUris: ['https://app.example.com/callback'] })] }),
  },
  {
    id: 'redirect-uri-http-not-loopback',
    severity: 'error',
    clientId: 'native-app',
    triggers: lintInput({
      clients: [publicClient({ redirectUris: ['http://app.example.com/callback'] })],
    }),
    passes: lintInput({ clients: [publicClient({ redirectUris: ['http://127.0.0.1:8080/callback'] })] }),
  },
  {
    id: 'redirect-uri-fragment',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({
      clients: [webClient({ redirectUris: ['https://app.example.com/callback#done'] })],
    }),
    passes: lintInput({
      clients: [webClient({ redirectUris: ['https://app.example.com/callback?done=1'] })],
    }),
  },
  {
    id: 'redirect-uri-wildcard',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ redirectUris: ['https://*.example.com/callback'] })] }),
    passes: lintInput({ clients: [webClient({ redirectUris: ['https://eu.example.com/callback'] })] }),
  },
  {
    id: 'redirect-uri-scheme',
    severity: 'error',
    clientId: 'native-app',
    triggers: lintInput({ clients: [publicClient({ redirectUris: ['myapp:/callback'] })] }),
    passes: lintInput({ clients: [publicClient({ redirectUris: ['com.example.myapp:/callback'] })] }),
  },
  {
    id: 'post-logout-redirect-uri-invalid',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({
      clients: [webClient({ postLogoutRedirectUris: ['http://app.example.com/signed-out'] })],
    }),
    passes: lintInput({
      clients: [webClient({ postLogoutRedirectUris: ['https://app.example.com/signed-out'] })],
    }),
  },
  {
    id: 'backchannel-logout-uri-invalid',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({
      clients: [webClient({ backchannelLogoutUri: 'https://app.example.com/logout#now' })],
    }),
    passes: lintInput({
      clients: [webClient({ backchannelLogoutUri: 'https://app.example.com/logout' })],
    }),
  },
  {
    id: 'confidential-client-without-secret',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ secretDigest: null })] }),
    passes: lintInput(),
  },
  {
    id: 'public-client-with-secret',
    severity: 'error',
    clientId: 'native-app',
    triggers: lintInput({ clients: [publicClient({ secretDigest: digest('leaked-with-the-app') })] }),
    passes: lintInput({ clients: [publicClient()] }),
  },
  {
    id: 'public-client-credentials',
    severity: 'error',
    clientId: 'native-app',
    triggers: lintInput({
      clients: [publicClient({ grantTypes: ['client_credentials'], redirectUris: [] })],
    }),
    passes: lintInput({ clients: [serviceClient] }),
  },
  {
    id: 'client-credentials-redirect-uris',
    severity: 'warning',
    clientId: 'billing-job',
    triggers: lintInput({
      clients: [{ ...serviceClient, redirectUris: ['https://billing.example.com/callback'] }],
    }),
    passes: lintInput({ clients: [serviceClient] }),
  },
  {
    id: 'client-credentials-mixed-with-code',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({
      clients: [webClient({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] })],
    }),
    passes: lintInput({ clients: [webClient(), serviceClient] }),
  },
  {
    id: 'openid-without-person',
    severity: 'warning',
    clientId: 'billing-job',
    triggers: lintInput({
      scopes: openidScopes,
      clients: [signInClient, { ...serviceClient, scopes: ['openid', 'read'] }],
    }),
    passes: lintInput({ scopes: openidScopes, clients: [signInClient, serviceClient] }),
  },
  {
    id: 'access-token-lifetime-long',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ lifetimes: { accessToken: 2 * hour } })] }),
    passes: lintInput({ clients: [webClient({ lifetimes: { accessToken: hour } })] }),
  },
  {
    id: 'refresh-expiry-disabled',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ lifetimes: { refreshIdle: 0 } })] }),
    passes: lintInput({
      clients: [webClient({ lifetimes: { refreshIdle: day, refreshAbsolute: 30 * day } })],
    }),
  },
  {
    id: 'public-refresh-lifetime-long',
    severity: 'warning',
    clientId: 'native-app',
    triggers: lintInput({ clients: [publicClient({ lifetimes: { refreshAbsolute: 120 * day } })] }),
    passes: lintInput({ clients: [publicClient({ lifetimes: { refreshAbsolute: 90 * day } })] }),
  },
  {
    id: 'client-scope-undefined',
    severity: 'warning',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ scopes: ['read', 'write', 'admin'] })] }),
    passes: lintInput({ clients: [webClient({ scopes: ['read', 'write'] })] }),
  },
  {
    id: 'scope-unused',
    severity: 'info',
    clientId: null,
    triggers: lintInput({ clients: [webClient({ scopes: ['read'], defaultScopes: ['read'] })] }),
    passes: lintInput(),
  },
  {
    id: 'client-scope-overly-broad',
    severity: 'info',
    clientId: 'web-app',
    triggers: lintInput({
      scopes: sixScopes,
      clients: [webClient({ scopes: ['a', 'b', 'c', 'd', 'e', 'f'], defaultScopes: ['a'] })],
    }),
    passes: lintInput({
      scopes: sixScopes,
      clients: [
        webClient({ scopes: ['a', 'b', 'c', 'd', 'e'], defaultScopes: ['a'] }),
        webClient({ id: 'reports', scopes: ['f'], defaultScopes: ['f'] }),
      ],
    }),
  },
  // The profile rules pass on the fixture, which holds no client to a profile; a sound profiled client still gets
  // the sender-constraint warning (see 'lint rules: details').
  {
    id: 'profile-client-type',
    severity: 'error',
    clientId: 'bank-app',
    triggers: lintInput({
      clients: [{ ...fapiClient, type: 'public', tokenEndpointAuthMethod: 'none', jwks: null }],
    }),
    passes: lintInput(),
  },
  {
    id: 'profile-client-authentication',
    severity: 'error',
    clientId: 'web-app',
    triggers: lintInput({ clients: [webClient({ securityProfile: 'fapi2' })] }),
    passes: lintInput(),
  },
  {
    id: 'profile-forbidden-grant',
    severity: 'error',
    clientId: 'bank-app',
    triggers: lintInput({
      clients: [{ ...fapiClient, grantTypes: ['authorization_code', 'password'], legacyFlows: ['password'] }],
    }),
    passes: lintInput(),
  },
]

function findingsOf(input: LintInput, id: string): readonly Finding[] {
  return lintConfiguration(input).filter((finding) => finding.id === id)
}

describe('lint rules: each one triggers and each one passes', () => {
  test('the safe fixture passes every rule', () => assert.deepEqual(lintConfiguration(lintInput()), []))

  test('every registered rule has a case here, and ids are unique', () => {
    const registered = lintRules.map((rule) => rule.id)
    assert.equal(new Set(registered).size, registered.length)
    assert.deepEqual(
      ruleCases.map((ruleCase) => ruleCase.id),
      registered,
    )
  })

  for (const ruleCase of ruleCases) {
    test(`${ruleCase.id} triggers`, () => {
      const found = findingsOf(ruleCase.triggers, ruleCase.id)
      assert.equal(found.length, 1, JSON.stringify(found))
      assert.equal(found[0]?.severity, ruleCase.severity)
      assert.equal(found[0]?.clientId, ruleCase.clientId)
      assert.ok((found[0]?.message.length ?? 0) > 0 && (found[0]?.fix.length ?? 0) > 0)
    })
    test(`${ruleCase.id} passes`, () => assert.deepEqual(lintConfiguration(ruleCase.passes), []))
  }
})

describe('lint rules: details', () => {
  test('a FAPI 2.0 client that meets what registration checks passes: DPoP is then enforced per request', () => {
    assert.deepEqual(lintConfiguration(lintInput({ clients: [fapiClient] })), [])
  })

  test('loopback is 127.0.0.0/8, [::1] and localhost, and nothing that merely looks like them', () => {
    const allowed = [
      'http://127.0.0.1/cb',
      'http://127.8.9.10:9000/cb',
      'http://[::1]:4000/cb',
      'http://LOCALHOST/cb',
    ]
    const refused = [
      'http://127.0.0.1.nip.io/cb',
      'http://[::2]/cb',
      'http://localhost.example.com/cb',
      'http://0.0.0.0/cb',
    ]
    const check = (uri: string) =>
      findingsOf(
        lintInput({ clients: [publicClient({ redirectUris: [uri] })] }),
        'redirect-uri-http-not-loopback',
      )
    for (const uri of allowed) assert.equal(check(uri).length, 0, uri)
    for (const uri of refused) assert.equal(check(uri).length, 1, uri)
    for (const issuer of ['http://localhost:3000', 'http://[::1]:3000', 'https://auth.example.com']) {
      assert.equal(findingsOf(lintInput({ issuer }), 'issuer-not-https').length, 0, issuer)
    }
    for (const issuer of ['http://127.0.0.1.nip.io', 'ftp://auth.example.com', 'auth.example.com']) {
      assert.equal(findingsOf(lintInput({ issuer }), 'issuer-not-https').length, 1, issuer)
    }
  })

  test('one finding per offending redirect URI', () => {
    const uris = ['https://*.example.com/a', 'https://app.example.com/*', 'https://app.example.com/b']
    const found = findingsOf(
      lintInput({ clients: [webClient({ redirectUris: uris })] }),
      'redirect-uri-wildcard',
    )
    assert.equal(found.length, 2)
  })

  test('a back-channel logout URI is https without credentials: the outbound fetch reaches nothing else', () => {
    const refused = [
      'http://127.0.0.1:8080/logout',
      'http://localhost/logout',
      'http://rp.example/logout',
      'https://user:secret@rp.example/logout',
      '/logout',
    ]
    for (const uri of refused) {
      const [finding] = findingsOf(
        lintInput({ clients: [webClient({ backchannelLogoutUri: uri })] }),
        'backchannel-logout-uri-invalid',
      )
      assert.match(finding?.message ?? '', /over https only/, uri)
    }
    const accepted = lintInput({
      clients: [webClient({ backchannelLogoutUri: 'https://127.0.0.1:8443/bc' })],
    })
    assert.deepEqual(findingsOf(accepted, 'backchannel-logout-uri-invalid'), [])
  })

  test('a confidential client whose auth method is none has no usable secret', () => {
    const found = findingsOf(
      lintInput({ clients: [webClient({ tokenEndpointAuthMethod: 'none' })] }),
      'confidential-client-without-secret',
    )
    assert.match(found[0]?.message ?? '', /auth method is none/)
  })

  test('a public client with a secret auth method but no secret is still flagged', () => {
    const found = findingsOf(
      lintInput({ clients: [publicClient({ tokenEndpointAuthMethod: 'client_secret_post' })] }),
      'public-client-with-secret',
    )
    assert.match(found[0]?.message ?? '', /client_secret_post/)
  })

  test('access tokens over 24 hours, or never expiring, are errors', () => {
    for (const accessToken of [25 * hour, Number.POSITIVE_INFINITY, 0]) {
      const found = findingsOf(
        lintInput({ clients: [webClient({ lifetimes: { accessToken } })] }),
        'access-token-lifetime-long',
      )
      assert.equal(found[0]?.severity, 'error', String(accessToken))
    }
  })

  test('a long server default is reported as the default, on each client that inherits it', () => {
    const input = lintInput({
      defaults: { accessToken: 3 * hour, refreshIdle: 14 * day, refreshAbsolute: 90 * day },
      clients: [webClient(), webClient({ id: 'short', lifetimes: { accessToken: 300 } })],
    })
    const found = findingsOf(input, 'access-token-lifetime-long')
    assert.deepEqual(
      found.map((finding) => finding.clientId),
      ['web-app'],
    )
    assert.match(found[0]?.message ?? '', /live 3 hours \(the server default/)
  })

  test('refresh expiry disabled by the server default is flagged for every refresh client, never for others', () => {
    const input = lintInput({
      defaults: {
        accessToken: 600,
        refreshIdle: 14 * day,
        refreshAbsolute: Number.POSITIVE_INFINITY,
      },
      clients: [webClient(), publicClient(), serviceClient],
    })
    assert.deepEqual(
      findingsOf(input, 'refresh-expiry-disabled').map((finding) => finding.clientId),
      ['web-app', 'native-app'],
    )
    // The unbounded lifetime is one finding, not two.
    assert.deepEqual(findingsOf(input, 'public-refresh-lifetime-long'), [])
  })

  test('long refresh lifetimes are only a public-client finding', () => {
    const lifetimes = { refreshAbsolute: 365 * day }
    assert.deepEqual(
      findingsOf(lintInput({ clients: [webClient({ lifetimes })] }), 'public-refresh-lifetime-long'),
      [],
    )
    const withoutRefresh = publicClient({ lifetimes, grantTypes: ['authorization_code'] })
    assert.deepEqual(findingsOf(lintInput({ clients: [withoutRefresh] }), 'public-refresh-lifetime-long'), [])
  })

  test('five scopes all allowed to one client are not yet overly broad', () => {
    const fiveScopes = sixScopes.slice(0, 5)
    const input = lintInput({
      scopes: fiveScopes,
      clients: [webClient({ scopes: ['a', 'b', 'c', 'd', 'e'] })],
    })
    assert.deepEqual(findingsOf(input, 'client-scope-overly-broad'), [])
  })

  test('each unused scope is its own finding and names the scope', () => {
    const noScopes = { ...serviceClient, scopes: [], defaultScopes: [] }
    const found = findingsOf(lintInput({ clients: [noScopes] }), 'scope-unused')
    assert.deepEqual(
      found.map((finding) => finding.message),
      [
        'The scope read is configured, but no client may request it.',
        'The scope write is configured, but no client may request it.',
      ],
    )
  })
})

describe('lint output', () => {
  const mixed = lintInput({
    issuer: 'http://auth.example.com',
    clients: [webClient({ legacyFlows: ['implicit'], scopes: ['read'] })],
  })

  test('findings come errors first, then warnings, then notes; the JSON shape is exactly the finding', () => {
    const findings = lintConfiguration(mixed)
    assert.deepEqual(
      findings.map((finding) => [finding.severity, finding.id]),
      [
        ['error', 'issuer-not-https'],
        ['warning', 'legacy-implicit-enabled'],
        ['info', 'scope-unused'],
      ],
    )
    for (const finding of JSON.parse(JSON.stringify(findings))) {
      assert.deepEqual(Object.keys(finding).sort(), ['clientId', 'fix', 'id', 'message', 'severity'])
    }
  })

  test('the table shows one row per finding with its fix, and counts by severity', () => {
    const table = formatFindings(lintConfiguration(mixed)).split('\n')
    assert.match(table[0] ?? '', /^SEVERITY +RULE +CLIENT +MESSAGE$/)
    assert.match(
      table[1] ?? '',
      /^error +issuer-not-https +- +The issuer http:\/\/auth\.example\.com is not https/,
    )
    assert.match(table[2] ?? '', /^ +fix: Serve Keyward over https/)
    assert.match(table[3] ?? '', /^warning +legacy-implicit-enabled +web-app +The implicit flow is enabled/)
    assert.equal(table.at(-1), '1 error, 1 warning, 1 info')
    // Columns line up: every message starts where the MESSAGE heading does.
    const column = table[0]?.indexOf('MESSAGE')
    assert.equal(table[1]?.indexOf('The issuer'), column)
    assert.equal(table[3]?.indexOf('The implicit'), column)
  })

  test('no findings reads as a clean bill', () => {
    assert.equal(formatFindings([]), 'No findings: the configuration passes every rule.')
  })
})
