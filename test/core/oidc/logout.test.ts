import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { describe, test } from 'node:test'
import type { Client } from '../../../src/core/model/client.ts'
import { verifiedIdTokenHint } from '../../../src/core/oidc/id-token-hint.ts'
import { mintIdToken } from '../../../src/core/oidc/id-token.ts'
import { confirmLogout, endSession } from '../../../src/core/oidc/logout.ts'
import { digest } from '../../../src/core/protocol/digest.ts'
import { signJwt } from '../../../src/core/tokens/jwt.ts'
import { testClock } from '../../support/clock.ts'
import { memoryCore } from '../../support/core-context.ts'
import * as make from '../../support/fixtures.ts'

// RP-Initiated Logout 1.0's decisions on the memory store with a test clock: no server.

const SIGNED_OUT = 'https://rp.example/signed-out'
/** An RSA key that is not the server's, to sign a forged ID token with. */
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const ADDRESS = '192.0.2.9'

async function setup() {
  const clock = testClock(make.t0)
  const { context: ctx, stores, events, notices } = await memoryCore(make.testConfig(), clock)
  const person = make.user()
  await stores.users.create(person)
  const client = make.client({
    postLogoutRedirectUris: [SIGNED_OUT],
    backchannelLogoutUri: 'https://rp.example/backchannel',
  })
  await stores.clients.create(client)
  // The browser's session: its cookie value, and the session as stored.
  const cookie = 'the-session-cookie-value'
  const session = make.session(person, { digest: digest(cookie), expiresAt: make.at(3600) })
  await stores.sessions.create(session)
  await stores.grants.create(make.grant({ client, user: person }, { scope: ['openid'], sid: session.sid }))
  const idToken = (sid: string | null, to: Client = client) =>
    mintIdToken(
      {
        client: to,
        authentication: { subject: person.id, authTime: session.authTime, sid, nonce: null, claims: [] },
        scope: ['openid'],
        accessToken: 'at',
        expiresIn: 300,
      },
      ctx,
    )
  const browser = { sessionId: cookie, address: ADDRESS }
  return {
    ctx,
    clock,
    client,
    person,
    session,
    idToken,
    browser,
    events,
    notices,
  }
}

const params = (values: Record<string, string>) => new Map(Object.entries(values))

describe('id_token_hint (RP-Initiated Logout 1.0 §2, §4)', () => {
  test('an ID token we signed is a hint even long expired; one signed by another key, or an access token, is not', async () => {
    const { ctx, clock, idToken, person, session, client } = await setup()
    const token = await idToken(session.sid)
    clock.advance(30 * 86_400)
    assert.deepEqual(await verifiedIdTokenHint(token, ctx), {
      subject: person.id,
      audience: [client.id],
      sid: session.sid,
    })
    const claims = { iss: ctx.config.issuer, sub: person.id, aud: client.id, sid: session.sid }
    const stranger = {
      kid: (await ctx.keys.idTokenKey('RS256')).kid,
      alg: 'RS256' as const,
      privateKey: strangerKey,
    }
    assert.equal(await verifiedIdTokenHint(signJwt(claims, stranger, 'JWT'), ctx), null)
    assert.equal(await verifiedIdTokenHint(signJwt(claims, ctx.keys.active(), 'at+jwt'), ctx), null)
  })
})

describe('the end_session_endpoint (RP-Initiated Logout 1.0 §2, §3)', () => {
  test('a hint of this session: the session ends, the client hears over the back channel, the event says who', async () => {
    const { ctx, idToken, session, browser, client, person, events, notices } = await setup()
    const hint = await idToken(session.sid)
    const result = await endSession(
      params({ id_token_hint: hint, post_logout_redirect_uri: SIGNED_OUT, state: 'xyz' }),
      'GET',
      browser,
      ctx,
    )
    assert.deepEqual(result, { kind: 'redirect', location: `${SIGNED_OUT}?state=xyz`, sessionEnded: true })
    assert.equal(await ctx.stores.sessions.get(session.digest), null)
    assert.deepEqual(events.at(-1), {
      event: 'signed_out',
      userId: person.id,
      address: ADDRESS,
      reason: 'rp_initiated',
      clientId: client.id,
    })
    assert.deepEqual(
      notices.map((notice) => notice.clientId),
      [client.id],
    )
  })

  test('a hint without a sid, or of another session, asks; the answer decides', async () => {
    const { ctx, idToken, session, browser, notices } = await setup()
    for (const hint of [await idToken(null), await idToken('another-session')]) {
      const asked = await endSession(params({ id_token_hint: hint }), 'GET', browser, ctx)
      assert.equal(asked.kind === 'page' && asked.page.view, 'logout-confirm')
    }
    const form = params({ id_token_hint: await idToken(null), decision: 'stay' })
    const stayed = await confirmLogout(form, browser, ctx)
    assert.deepEqual(stayed.kind === 'page' && stayed.page, {
      view: 'logout-done',
      model: { signedOut: false },
    })
    assert.ok(await ctx.stores.sessions.get(session.digest))
    assert.deepEqual(notices, [])
    const out = await confirmLogout(new Map([...form, ['decision', 'sign_out']]), browser, ctx)
    assert.equal(out.sessionEnded, true)
    assert.equal(await ctx.stores.sessions.get(session.digest), null)
  })

  test('a POST without a session goes on by GET; a GET without one has nothing to end', async () => {
    const { ctx, client } = await setup()
    const request = params({ client_id: client.id, post_logout_redirect_uri: SIGNED_OUT })
    const nobody = { sessionId: undefined, address: ADDRESS }
    assert.deepEqual(await endSession(request, 'POST', nobody, ctx), {
      kind: 'redirect',
      location: `${ctx.config.issuer}/logout?${new URLSearchParams(Object.fromEntries(request))}`,
    })
    assert.deepEqual(await endSession(request, 'GET', nobody, ctx), {
      kind: 'redirect',
      location: SIGNED_OUT,
    })
  })

  test('refusals are error pages: unregistered return address, mismatched client, forged hint', async () => {
    const { ctx, idToken, session, browser, client } = await setup()
    const other = make.client()
    await ctx.stores.clients.create(other)
    const hint = await idToken(session.sid)
    for (const [values, message] of [
      [{ client_id: client.id, post_logout_redirect_uri: `${SIGNED_OUT}/x` }, /not registered/],
      [{ id_token_hint: hint, client_id: other.id }, /not issued to this client_id/],
      [{ id_token_hint: `${hint}x` }, /not an ID token issued by this server/],
      [{ post_logout_redirect_uri: SIGNED_OUT }, /needs a client_id or an id_token_hint/],
    ] as const) {
      const result = await endSession(params(values), 'GET', browser, ctx)
      assert.equal(result.kind, 'page')
      assert.equal(result.kind === 'page' && result.page.view, 'error')
      assert.match(result.error?.description ?? '', message)
    }
    assert.ok(await ctx.stores.sessions.get(session.digest), 'no refusal ended the session')
  })
})
