import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { nextStep, type Situation } from '../../src/core/authorize/decide.ts'
import {
  type AuthorizationRequest,
  type AuthorizationRequestResult,
  validateAuthorizationRequest,
} from '../../src/core/authorize/request.ts'
import { ConsentRequired, LoginRequired } from '../../src/core/errors.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { Consent } from '../../src/core/model/consent.ts'
import { serverTarget } from '../../src/core/resources/audience.ts'
import { testConfig, webClient } from '../support/fixtures.ts'

const config = testConfig()

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
const at = new Date('2026-01-01T00:00:00Z')

const client = (overrides: Partial<Client> = {}): Client =>
  webClient({
    id: 'web',
    redirectUris: ['https://client.example/cb'],
    scopes: ['profile', 'read', 'write'],
    defaultScopes: ['profile'],
    ...overrides,
  })

const clients = new Map<string, Client>([
  ['web', client()],
  ['two-uris', client({ id: 'two-uris', redirectUris: ['https://a.example/cb', 'https://b.example/cb'] })],
  ['native', client({ id: 'native', type: 'public', redirectUris: ['http://127.0.0.1/cb'] })],
  ['service', client({ id: 'service', grantTypes: ['client_credentials'] })],
  ['no-defaults', client({ id: 'no-defaults', defaultScopes: [] })],
  [
    'legacy',
    client({ id: 'legacy', grantTypes: ['authorization_code', 'implicit'], legacyFlows: ['implicit'] }),
  ],
  ['implicit-not-enabled', client({ id: 'implicit-not-enabled', grantTypes: ['implicit'] })],
])

const lookups: string[] = []
async function findClient(id: string) {
  lookups.push(id)
  return clients.get(id) ?? null
}

const codeRequest = {
  response_type: 'code',
  client_id: 'web',
  redirect_uri: 'https://client.example/cb',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  state: 'xyz',
}

function validate(params: Record<string, string | undefined>): Promise<AuthorizationRequestResult> {
  const entries = Object.entries({ ...codeRequest, ...params }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  )
  return validateAuthorizationRequest(new Map(entries), findClient, async () => serverTarget(config))
}

async function valid(params: Record<string, string | undefined>): Promise<AuthorizationRequest> {
  const result = await validate(params)
  assert.equal(result.kind, 'valid', JSON.stringify(result))
  if (result.kind !== 'valid') throw new Error('unreachable')
  return result.request
}

async function shownError(params: Record<string, string | undefined>): Promise<string> {
  const result = await validate(params)
  assert.equal(result.kind, 'show-error')
  if (result.kind !== 'show-error') throw new Error('unreachable')
  assert.equal(result.error.code, 'invalid_request')
  return result.error.description
}

async function redirectedError(params: Record<string, string | undefined>, code: string) {
  const result = await validate(params)
  assert.equal(result.kind, 'redirect-error', JSON.stringify(result))
  if (result.kind !== 'redirect-error') throw new Error('unreachable')
  assert.equal(result.error.code, code)
  return result
}

describe('validateAuthorizationRequest: errors shown to the person, never redirected (RFC 6749 §4.1.2.1)', () => {
  test('missing client_id', async () => {
    assert.match(await shownError({ client_id: undefined }), /client_id/)
  })

  test('unknown client_id', async () => {
    assert.match(await shownError({ client_id: 'nobody' }), /not registered/)
  })

  test('an over-long client_id is not even looked up', async () => {
    lookups.length = 0
    await shownError({ client_id: 'x'.repeat(256) })
    assert.deepEqual(lookups, [])
  })

  test('missing redirect_uri when several are registered', async () => {
    assert.match(await shownError({ client_id: 'two-uris', redirect_uri: undefined }), /redirect_uri/)
  })

  test('a redirect_uri that is not registered, or differs by a slash, case or query', async () => {
    for (const uri of [
      'https://evil.example/cb',
      'https://client.example/cb/',
      'https://client.example/CB',
      'https://client.example/cb?x=1',
      'https://client.example/cb#frag',
    ]) {
      assert.match(await shownError({ redirect_uri: uri }), /not registered/, uri)
    }
  })

  test('a bad redirect_uri is shown even when the rest of the request is bad too', async () => {
    await shownError({
      redirect_uri: 'https://evil.example/cb',
      response_type: 'nope',
      code_challenge: undefined,
    })
  })
})

describe('validateAuthorizationRequest: errors redirected with state', () => {
  test('missing response_type is invalid_request', async () => {
    const result = await redirectedError({ response_type: undefined }, 'invalid_request')
    assert.equal(result.redirectUri, 'https://client.example/cb')
    assert.equal(result.state, 'xyz')
    assert.equal(result.responseMode, 'query')
  })

  test('an unknown response_type is unsupported_response_type', async () => {
    await redirectedError({ response_type: 'id_token' }, 'unsupported_response_type')
    await redirectedError({ response_type: 'code token' }, 'unsupported_response_type')
  })

  test('RFC 9700 §2.1.2: response_type=token for a client without the implicit flow enabled', async () => {
    await redirectedError({ response_type: 'token' }, 'unsupported_response_type')
    const result = await redirectedError(
      { client_id: 'implicit-not-enabled', response_type: 'token' },
      'unsupported_response_type',
    )
    // The error of an implicit request travels in the fragment, like its success would.
    assert.equal(result.responseMode, 'fragment')
  })

  test('a response_mode other than form_post or the response type’s default is invalid_request, never ignored', async () => {
    for (const mode of ['fragment', 'query.jwt', '']) {
      await redirectedError({ response_mode: mode }, 'invalid_request')
    }
    await redirectedError(
      { client_id: 'legacy', response_type: 'token', response_mode: 'query' },
      'invalid_request',
    )
    assert.equal((await valid({ response_mode: 'query' })).responseMode, 'query')
    assert.equal((await valid({ response_mode: 'form_post' })).responseMode, 'form_post')
    // Errors go back the way the client asked, when Keyward answers that way.
    assert.equal(
      (await redirectedError({ response_mode: 'form_post', prompt: 'bogus' }, 'invalid_request'))
        .responseMode,
      'form_post',
    )
  })

  test('the implicit flow requires state', async () => {
    await redirectedError(
      { client_id: 'legacy', response_type: 'token', state: undefined },
      'invalid_request',
    )
  })

  test('a client without the authorization_code grant is unauthorized_client', async () => {
    await redirectedError({ client_id: 'service' }, 'unauthorized_client')
  })

  test('PKCE: a missing challenge, plain, a missing method or a malformed challenge is invalid_request', async () => {
    await redirectedError({ code_challenge: undefined }, 'invalid_request')
    await redirectedError({ code_challenge_method: 'plain' }, 'invalid_request')
    await redirectedError({ code_challenge_method: undefined }, 'invalid_request')
    await redirectedError({ code_challenge_method: 's256' }, 'invalid_request')
    await redirectedError({ code_challenge: CHALLENGE.slice(1) }, 'invalid_request')
    await redirectedError({ code_challenge: `${CHALLENGE.slice(1)}=` }, 'invalid_request')
  })

  test('a scope beyond the client’s, or with a forbidden character, is invalid_scope', async () => {
    await redirectedError({ scope: 'read admin' }, 'invalid_scope')
    await redirectedError({ scope: 'read "write"' }, 'invalid_scope')
  })

  test('no scope requested and no default scopes is invalid_scope', async () => {
    await redirectedError({ client_id: 'no-defaults' }, 'invalid_scope')
  })

  test('an unknown prompt value, or none with another value, is invalid_request', async () => {
    await redirectedError({ prompt: 'sideways' }, 'invalid_request')
    await redirectedError({ prompt: 'none login' }, 'invalid_request')
  })

  test('an error without state carries none', async () => {
    const result = await redirectedError({ state: undefined, code_challenge: undefined }, 'invalid_request')
    assert.equal(result.state, null)
  })
})

describe('validateAuthorizationRequest: valid requests', () => {
  test('a full code request keeps everything the code will be bound to', async () => {
    const request = await valid({ scope: 'read write', state: 'a b&c=d/é' })
    assert.equal(request.client.id, 'web')
    assert.equal(request.responseType, 'code')
    assert.equal(request.redirectUri, 'https://client.example/cb')
    assert.deepEqual(request.scope, ['read', 'write'])
    assert.equal(request.state, 'a b&c=d/é')
    assert.equal(request.codeChallenge, CHALLENGE)
    assert.deepEqual([...request.prompt], [])
  })

  test('no scope requested gets the client’s defaults', async () => {
    assert.deepEqual((await valid({ scope: undefined })).scope, ['profile'])
  })

  test('RFC 6749 §3.1.2.3: redirect_uri may be omitted when exactly one is registered', async () => {
    assert.equal((await valid({ redirect_uri: undefined })).redirectUri, 'https://client.example/cb')
  })

  test('RFC 8252 §7.3: a loopback redirect with any port', async () => {
    const request = await valid({ client_id: 'native', redirect_uri: 'http://127.0.0.1:49152/cb' })
    assert.equal(request.redirectUri, 'http://127.0.0.1:49152/cb')
  })

  test('state is optional for the code flow', async () => {
    assert.equal((await valid({ state: undefined })).state, null)
  })

  test('prompt values are read as a set; login and consent combine', async () => {
    assert.deepEqual([...(await valid({ prompt: 'login consent' })).prompt].sort(), ['consent', 'login'])
    assert.deepEqual([...(await valid({ prompt: 'none' })).prompt], ['none'])
  })

  test('the implicit flow, where an operator enabled it, has no challenge', async () => {
    const request = await valid({ client_id: 'legacy', response_type: 'token', code_challenge: undefined })
    assert.equal(request.responseType, 'token')
    assert.equal(request.codeChallenge, null)
  })
})

describe('nextStep', () => {
  const request = async (prompt?: string, scope = 'read') => valid({ prompt, scope })
  const consent = (scope: readonly string[]): Consent => ({
    userId: 'u1',
    clientId: 'web',
    scope,
    resources: [],
    createdAt: at,
    updatedAt: at,
  })
  const anonymous: Situation = { userId: null, freshLogin: false, consent: null }
  const signedIn: Situation = { userId: 'u1', freshLogin: false, consent: null }
  const approved: Situation = { userId: 'u1', freshLogin: false, consent: consent(['read', 'write']) }

  test('no session: login', async () => {
    assert.deepEqual(nextStep(await request(), anonymous), { kind: 'login' })
  })

  test('a session without consent: consent', async () => {
    assert.deepEqual(nextStep(await request(), signedIn), { kind: 'consent' })
  })

  test('a session with consent covering the scope: issue', async () => {
    assert.deepEqual(nextStep(await request(), approved), { kind: 'issue' })
    assert.deepEqual(nextStep(await request(undefined, 'read write'), approved), { kind: 'issue' })
  })

  test('consent for less than the request asks again', async () => {
    assert.deepEqual(nextStep(await request(undefined, 'read profile'), approved), { kind: 'consent' })
  })

  test('prompt=login asks for the password again unless it was just entered', async () => {
    assert.deepEqual(nextStep(await request('login'), approved), { kind: 'login' })
    assert.deepEqual(nextStep(await request('login'), { ...approved, freshLogin: true }), { kind: 'issue' })
  })

  test('prompt=consent shows the consent page even when consent is remembered', async () => {
    assert.deepEqual(nextStep(await request('consent'), approved), { kind: 'consent' })
  })

  test('prompt=login consent: login first, then consent', async () => {
    assert.deepEqual(nextStep(await request('login consent'), approved), { kind: 'login' })
    assert.deepEqual(nextStep(await request('login consent'), { ...approved, freshLogin: true }), {
      kind: 'consent',
    })
  })

  test('prompt=none without a session is login_required', async () => {
    const none = await request('none')
    assert.throws(() => nextStep(none, anonymous), LoginRequired)
  })

  test('prompt=none without consent, or with too little, is consent_required', async () => {
    const none = await request('none', 'read profile')
    assert.throws(() => nextStep(none, signedIn), ConsentRequired)
    assert.throws(() => nextStep(none, approved), ConsentRequired)
  })

  test('prompt=none with a session and consent issues', async () => {
    assert.deepEqual(nextStep(await request('none'), approved), { kind: 'issue' })
  })
})
