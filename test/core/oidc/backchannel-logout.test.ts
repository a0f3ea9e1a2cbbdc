import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK, jwtVerify } from 'jose'
import { BACKCHANNEL_LOGOUT_EVENT, logoutNotices } from '../../../src/core/oidc/backchannel-logout.ts'
import { subjectFor } from '../../../src/core/oidc/subject.ts'
import { openKeyRing } from '../../../src/core/tokens/signing-keys.ts'
import { createMemoryStores } from '../../../src/store/memory/stores.ts'
import { cryptoRandom } from '../../../src/system.ts'
import { testClock } from '../../support/clock.ts'
import { recordingSink } from '../../support/events.ts'
import * as make from '../../support/fixtures.ts'

async function setup() {
  const stores = createMemoryStores()
  const clock = testClock(make.t0)
  const config = make.testConfig()
  const keys = await openKeyRing(stores.keys, {
    secret: config.secret,
    clock,
    random: cryptoRandom,
    algorithm: config.signingAlgorithm,
    events: recordingSink(),
  })
  const person = make.user()
  await stores.users.create(person)
  const session = make.session(person)
  /** A client with a grant begun in `sid` for `scope`. */
  async function signedInClient(
    overrides: Parameters<typeof make.client>[0],
    scope = ['openid'],
    sid = session.sid,
  ) {
    const client = make.client(overrides)
    await stores.clients.create(client)
    await stores.grants.create(make.grant({ client, user: person }, { scope, sid }))
    return client
  }
  return { deps: { config, stores, clock, random: cryptoRandom, keys }, person, session, signedInClient }
}

describe('logout tokens (Back-Channel Logout 1.0 §2.4)', () => {
  test('go to each client that got an ID token in the session and registered a URI, once each', async () => {
    const { deps, session, person, signedInClient } = await setup()
    const told = await signedInClient({ backchannelLogoutUri: 'https://rp.example/bc' })
    // A second grant of the same client in the same session: still one token.
    await deps.stores.grants.create(
      make.grant({ client: told, user: person }, { scope: ['openid'], sid: session.sid }),
    )
    await signedInClient({ backchannelLogoutUri: 'https://plain-oauth.example/bc' }, ['photos:read'])
    await signedInClient(
      { backchannelLogoutUri: 'https://other-session.example/bc' },
      ['openid'],
      'another-sid',
    )
    await signedInClient({ backchannelLogoutUri: null, backchannelLogoutSessionRequired: false })
    const notices = await logoutNotices([session], deps)
    assert.deepEqual(
      notices.map(({ clientId, uri }) => ({ clientId, uri })),
      [{ clientId: told.id, uri: 'https://rp.example/bc' }],
    )
  })

  test('carry iss, aud, sub, sid, iat, exp, jti and the event, typed logout+jwt, signed like ID tokens, no nonce', async () => {
    const { deps, session, person, signedInClient } = await setup()
    const client = await signedInClient({ backchannelLogoutUri: 'https://rp.example/bc' })
    const [notice] = await logoutNotices([session], deps)
    const token = notice?.logoutToken ?? ''
    assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt')
    // Signed as the client's ID tokens are (its id_token_signed_response_alg), with a key it already trusts.
    assert.equal(decodeProtectedHeader(token).alg, client.idTokenSignedResponseAlg)
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: deps.keys.jwks().keys as JWK[] }), {
      issuer: deps.config.issuer,
      audience: client.id,
      typ: 'logout+jwt',
      currentDate: deps.clock.now(),
    })
    assert.equal(payload.sub, person.id)
    assert.equal(payload.sid, session.sid)
    assert.deepEqual(payload.events, { [BACKCHANNEL_LOGOUT_EVENT]: {} })
    assert.equal(payload.exp, Number(payload.iat) + 120)
    assert.equal(typeof payload.jti, 'string')
    assert.equal('nonce' in payload, false)
    const [again] = await logoutNotices([session], deps)
    assert.notEqual(again?.logoutToken, token, 'a new jti each time')
  })

  test('name a pairwise client’s person by the sub its ID tokens carry (OpenID Connect Core §8.1)', async () => {
    const { deps, session, person, signedInClient } = await setup()
    const client = await signedInClient({
      backchannelLogoutUri: 'https://rp.example/bc',
      subjectType: 'pairwise',
      redirectUris: ['https://rp.example/cb'],
    })
    const [notice] = await logoutNotices([session], deps)
    const sub = decodeJwt(notice?.logoutToken ?? '').sub
    assert.equal(sub, subjectFor(client, person.id, deps.config.secret))
    assert.notEqual(sub, person.id)
  })

  test('nobody signed in through the session: nothing to send', async () => {
    const { deps, session } = await setup()
    assert.deepEqual(await logoutNotices([session], deps), [])
  })
})
