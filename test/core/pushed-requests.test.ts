import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { issueCode } from '../../src/core/authorize/respond.ts'
import { type AuthorizationRequest, validateAuthorizationRequest } from '../../src/core/authorize/request.ts'
import { InvalidRequestUri } from '../../src/core/errors.ts'
import type { Client } from '../../src/core/model/client.ts'
import {
  PUSHED_REQUEST_INTERACTION_SECONDS,
  requiresPushedRequests,
  resolvePushedRequest,
  storePushedRequest,
  usePushedRequest,
} from '../../src/core/par/pushed-requests.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { serverTarget } from '../../src/core/resources/audience.ts'
import { openStores } from '../../src/store/index.ts'
import { cryptoRandom } from '../../src/system.ts'
import { testClock } from '../support/clock.ts'
import { session, testConfig, user, webClient } from '../support/fixtures.ts'

const stores = await openStores('memory:')
after(() => stores.close())
const config = testConfig()
const clock = testClock()
const deps = { config, stores, clock, random: cryptoRandom }
const client = webClient()
await stores.clients.create(client)

/** A freshly pushed request of `client`: its request_uri. */
async function push(parameters: Record<string, string> = { client_id: client.id, state: 's' }) {
  return (await storePushedRequest(client, parameters, deps)).requestUri
}

const arriving = (params: Record<string, string>, arrival: 'redirect' | 'form' = 'redirect') =>
  resolvePushedRequest(new Map(Object.entries(params)), arrival, deps)

describe('resolvePushedRequest (RFC 9126 §4)', () => {
  test('a request without a PAR request_uri is left as sent (the validator refuses other request_uris)', async () => {
    assert.deepEqual(await arriving({ client_id: client.id }), { kind: 'sent' })
    assert.deepEqual(await arriving({ client_id: client.id, request_uri: 'https://x.example/r' }), {
      kind: 'sent',
    })
  })

  test('the pushed parameters replace the request; only the digest was stored', async () => {
    const requestUri = await push()
    const resolved = await arriving({ client_id: client.id, request_uri: requestUri })
    assert.equal(resolved.kind, 'pushed')
    if (resolved.kind !== 'pushed') return
    assert.deepEqual(Object.fromEntries(resolved.params), { client_id: client.id, state: 's' })
    assert.equal(resolved.pushed.digest, digest(requestUri))
  })

  test('expires_in bounds the redirect; the forms after it get the interaction window, to the millisecond', async () => {
    const requestUri = await push()
    const params = { client_id: client.id, request_uri: requestUri }
    clock.advance(config.lifetimes.pushedRequest - 0.001)
    assert.equal((await arriving(params)).kind, 'pushed')
    clock.advance(0.001)
    assert.equal((await arriving(params)).kind, 'refused')
    assert.equal((await arriving(params, 'form')).kind, 'pushed')
    clock.advance(PUSHED_REQUEST_INTERACTION_SECONDS - 0.001)
    assert.equal((await arriving(params, 'form')).kind, 'pushed')
    clock.advance(0.001)
    const refused = await arriving(params, 'form')
    assert.equal(refused.kind === 'refused' && refused.error.code, 'invalid_request_uri')
  })
})

describe('usePushedRequest', () => {
  test('once: the second use and every later arrival are refused', async () => {
    const requestUri = await push()
    const resolved = await arriving({ client_id: client.id, request_uri: requestUri })
    assert.equal(resolved.kind, 'pushed')
    if (resolved.kind !== 'pushed') return
    await usePushedRequest(resolved.pushed, deps)
    await assert.rejects(usePushedRequest(resolved.pushed, deps), InvalidRequestUri)
    const again = await arriving({ client_id: client.id, request_uri: requestUri }, 'form')
    assert.equal(again.kind === 'refused' && again.error.code, 'invalid_request_uri')
  })
})

describe('requiresPushedRequests (RFC 9126 §5, §6; FAPI 2.0)', () => {
  const cases: [string, Partial<Client>, boolean, boolean][] = [
    ['nothing asks for it', {}, false, false],
    ['the server', {}, true, true],
    ['the client', { requirePushedAuthorizationRequests: true }, false, true],
    ['the FAPI 2.0 profile', { securityProfile: 'fapi2' }, false, true],
  ]
  for (const [who, overrides, serverWide, required] of cases) {
    test(`${who}: ${required ? 'required' : 'not required'}`, () => {
      const server = testConfig({ requirePushedAuthorizationRequests: serverWide })
      assert.equal(requiresPushedRequests(webClient(overrides), server), required)
    })
  }
})

test('FAPI 2.0 caps the authorization code at 60 seconds whatever the server lifetime', async () => {
  const long = { ...deps, config: testConfig({ lifetimes: { authorizationCode: 300 } }) }
  const person = user()
  await stores.users.create(person)
  // Built by the validator, as /authorize builds it.
  const request = async (profiled: Client): Promise<AuthorizationRequest> => {
    const params = new Map([
      ['response_type', 'code'],
      ['client_id', profiled.id],
      ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'],
      ['code_challenge_method', 'S256'],
    ])
    const validated = await validateAuthorizationRequest(
      params,
      async () => profiled,
      async () => serverTarget(config),
    )
    assert.equal(validated.kind, 'valid')
    if (validated.kind !== 'valid') throw new Error('invalid request')
    return validated.request
  }
  const lifetimeOf = async (profiled: Client) => {
    const result = await issueCode(await request(profiled), session(person), long)
    assert.equal(result.kind, 'redirect')
    const code = new URL(result.kind === 'redirect' ? result.location : '').searchParams.get('code') ?? ''
    const stored = await stores.codes.consume(digest(code), clock.now())
    assert.equal(stored.kind, 'ok')
    return stored.kind === 'ok' ? (stored.record.expiresAt.getTime() - clock.now().getTime()) / 1000 : 0
  }
  assert.equal(await lifetimeOf(client), 300)
  assert.equal(await lifetimeOf({ ...client, securityProfile: 'fapi2' }), 60)
})
