import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEVICE_CODE } from '../../../src/core/protocol/grant-types.ts'
import { jsonOf, runCli, spawnCli } from '../../support/cli.ts'

interface AdviceJson {
  readonly kind: string
  readonly grant_types: readonly string[]
  readonly client_type: string
  readonly token_endpoint_auth_method: string
  readonly pkce: boolean
  readonly reasons: readonly string[]
  readonly warnings: readonly string[]
  readonly security_profile: string | null
  readonly pushed_authorization_requests: boolean
  readonly dpop: boolean
}

const FLAGS = [
  'user-present',
  'agent',
  'secret',
  'browser-only',
  'native',
  'input-constrained',
  'cannot-redirect',
  'high-value',
]

/** Every question answered as a flag, so that none is asked: yes for those named, no for the rest. */
const answers = (yes: readonly string[]) =>
  FLAGS.map((flag) => (yes.includes(flag) ? `--${flag}` : `--no-${flag}`))

async function advise(...yes: string[]): Promise<AdviceJson> {
  return jsonOf<AdviceJson>(await runCli(['advise', '--json', ...answers(yes)], {}))
}

// One row per line of the decision guide: the answers, then what Keyward recommends.
const GUIDE: readonly {
  readonly yes: readonly string[]
  readonly kind: string
  readonly grantTypes: readonly string[]
  readonly clientType: string
  readonly authMethod: string
  readonly pkce: boolean
}[] = [
  {
    yes: ['secret'],
    kind: 'service',
    grantTypes: ['client_credentials'],
    clientType: 'confidential',
    authMethod: 'client_secret_basic',
    pkce: false,
  },
  {
    yes: ['user-present', 'secret'],
    kind: 'web',
    grantTypes: ['authorization_code', 'refresh_token'],
    clientType: 'confidential',
    authMethod: 'client_secret_basic',
    pkce: true,
  },
  {
    yes: ['user-present', 'browser-only'],
    kind: 'spa',
    grantTypes: ['authorization_code', 'refresh_token'],
    clientType: 'public',
    authMethod: 'none',
    pkce: true,
  },
  {
    yes: ['user-present', 'native'],
    kind: 'native',
    grantTypes: ['authorization_code', 'refresh_token'],
    clientType: 'public',
    authMethod: 'none',
    pkce: true,
  },
  {
    yes: ['user-present', 'input-constrained'],
    kind: 'device',
    grantTypes: [DEVICE_CODE, 'refresh_token'],
    clientType: 'public',
    authMethod: 'none',
    pkce: false,
  },
  {
    yes: ['user-present', 'input-constrained', 'secret'],
    kind: 'device',
    grantTypes: [DEVICE_CODE, 'refresh_token'],
    clientType: 'confidential',
    authMethod: 'client_secret_basic',
    pkce: false,
  },
  {
    yes: ['user-present', 'cannot-redirect'],
    kind: 'legacy-password',
    grantTypes: ['password', 'refresh_token'],
    clientType: 'public',
    authMethod: 'none',
    pkce: false,
  },
  {
    yes: ['user-present', 'cannot-redirect', 'secret'],
    kind: 'legacy-password',
    grantTypes: ['password', 'refresh_token'],
    clientType: 'confidential',
    authMethod: 'client_secret_basic',
    pkce: false,
  },
]

describe('keyward advise --json', () => {
  for (const row of GUIDE) {
    test(`${row.yes.map((flag) => `--${flag}`).join(' ')} → ${row.kind}, ${row.clientType}`, async () => {
      const advice = await advise(...row.yes)
      assert.equal(advice.kind, row.kind)
      assert.deepEqual(advice.grant_types, row.grantTypes)
      assert.equal(advice.client_type, row.clientType)
      assert.equal(advice.token_endpoint_auth_method, row.authMethod)
      assert.equal(advice.pkce, row.pkce)
      assert.ok(advice.reasons.length > 0, 'every recommendation says why')
      for (const reason of advice.reasons) assert.equal(typeof reason, 'string')
      assert.ok(Array.isArray(advice.warnings))
      if (row.kind === 'legacy-password') {
        assert.ok(advice.warnings.length > 0, 'the legacy password grant comes with warnings')
        assert.match(advice.warnings.join('\n'), /RFC 9700 §2\.4/)
      } else {
        assert.deepEqual(advice.warnings, [], 'a clean answer earns no warning')
      }
      // The implicit grant is never the advice (RFC 9700 §2.1.2).
      assert.ok(!advice.grant_types.includes('implicit'))
    })
  }

  test('a service that cannot keep a secret is warned that client credentials need one', async () => {
    const advice = await advise()
    assert.equal(advice.kind, 'service')
    assert.ok(advice.warnings.some((warning) => /RFC 6749 §4\.4/.test(warning)))
  })

  test('contradicting answers are settled, with a warning that says so', async () => {
    const advice = await advise('user-present', 'browser-only', 'secret')
    assert.equal(advice.kind, 'spa')
    assert.equal(advice.client_type, 'public')
    assert.ok(advice.warnings.some((warning) => /cannot keep a secret/.test(warning)))
  })

  test('without --json the advice is text for people, with the command that creates the client', async () => {
    const result = await runCli(['advise', ...answers(['user-present', 'native'])], {})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^Recommended: native \(public client\)/)
    assert.match(result.stdout, /keyward clients create --kind native/)
  })

  test('--high-value: the FAPI 2.0 profile, and the command that creates such a client', async () => {
    const advice = await advise('user-present', 'secret', 'high-value')
    assert.equal(advice.kind, 'web')
    assert.equal(advice.token_endpoint_auth_method, 'private_key_jwt')
    assert.equal(advice.security_profile, 'fapi2')
    assert.equal(advice.pushed_authorization_requests, true)
    assert.equal(advice.dpop, true)
    const text = await runCli(['advise', ...answers(['user-present', 'secret', 'high-value'])], {})
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /profile: {6}fapi2, pushed requests \(PAR\), DPoP-bound tokens/)
    assert.match(text.stdout, /--profile fapi2 --auth-method private_key_jwt --jwks/)
  })
  test('--agent: an AI agent or MCP client, told how it registers itself and which resources to create', async () => {
    const advice = jsonOf<AdviceJson>(
      await runCli(['advise', '--json', ...answers(['user-present', 'agent'])], {}),
    )
    assert.equal(advice.kind, 'agent')
    assert.deepEqual(advice.grant_types, ['authorization_code', 'refresh_token'])
    assert.equal(advice.token_endpoint_auth_method, 'none')
    assert.equal(advice.pkce, true)
    const result = await runCli(['advise', ...answers(['user-present', 'agent'])], {})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^Recommended: agent \(public client\)/)
    assert.match(result.stdout, /KEYWARD_CLIENT_ID_METADATA_DOCUMENTS=any/)
    assert.match(result.stdout, /KEYWARD_REGISTRATION_POLICY=open/)
    assert.match(result.stdout, /keyward resources create --identifier/)
    assert.doesNotMatch(result.stdout, /keyward clients create/)
  })
})

test('without a terminal, advise refuses to guess and names the flags still unanswered', async () => {
  // Standard input is a pipe: nothing can be asked.
  const result = await spawnCli(
    ['advise', '--user-present', '--no-secret', '--browser-only', '--no-native'],
    {},
  )
  assert.equal(result.code, 1)
  assert.equal(result.stdout, '', 'no advice from answers nobody gave')
  assert.equal(
    result.stderr,
    'keyward advise asks its questions on a terminal; without one, answer each with a flag: ' +
      '--agent or --no-agent, --input-constrained or --no-input-constrained, ' +
      '--cannot-redirect or --no-cannot-redirect, --high-value or --no-high-value.\n',
  )
})
