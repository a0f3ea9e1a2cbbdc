import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { OAuthError } from '../../src/core/errors.ts'
import { authorizationCodeGrant } from '../../src/core/grants/authorization-code.ts'
import type { Client } from '../../src/core/model/client.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { memoryCore } from '../support/core-context.ts'
import { cutOnce, unavailable } from '../support/cut-stores.ts'
import { newPkce } from '../support/flow.ts'
import * as make from '../support/fixtures.ts'

// Redeeming an authorization code (RFC 6749 §4.1.3, RFC 7636) when the database write is cut as it lands: the
// client's retry is a retry, never the code reuse that revokes the grant (RFC 6749 §4.1.2).

const ADDRESS = '192.0.2.7'

type Core = Awaited<ReturnType<typeof memoryCore>>

/** A client, a person, and a code issued to that client for that person, with its PKCE verifier. */
async function issued({ stores, clock }: Core) {
  const client = make.client({ dpopBoundAccessTokens: false, defaultResources: [] })
  const user = make.user()
  await stores.clients.create(client)
  await stores.users.create(user)
  const { code, verifier, record } = make.redeemableCode({ client, user }, clock.now())
  await stores.codes.create(record)
  return { client, user, code, verifier, redirectUri: record.redirectUri }
}

type Issued = Awaited<ReturnType<typeof issued>>

function redeem(setup: Core, issue: Issued, overrides: { client?: Client; verifier?: string } = {}) {
  const { context } = setup
  return authorizationCodeGrant.issue(
    {
      code: issue.code,
      codeVerifier: overrides.verifier ?? issue.verifier,
      redirectUri: issue.redirectUri,
      resources: [],
    },
    { ...context, client: overrides.client ?? issue.client, address: ADDRESS, dpopJkt: null },
  )
}

/** The core with its stores' next redeeming write cut off, landed or not. */
const cut = (setup: Core, landed: boolean): Core => ({
  ...setup,
  context: { ...setup.context, stores: cutOnce(setup.context.stores, landed) },
})

const refused = (code: string) => (error: unknown) => error instanceof OAuthError && error.code === code

/** The person's grants: why each was revoked, or 'live', sorted. */
async function grantStates({ stores }: Core, { user }: Issued) {
  return (await stores.grants.listByUser(user.id)).map((grant) => grant.revokedReason ?? 'live').sort()
}

/** Whether the tokens of a response still work: their refresh token is live. */
async function live({ stores }: Core, refreshToken: string | undefined) {
  assert.ok(refreshToken)
  const token = await stores.tokens.getRefreshToken(digest(refreshToken))
  return token !== null && token.revokedAt === null
}

describe('authorization_code grant, a redemption cut as it lands, in core', () => {
  test('without a failure, a second redemption is reuse: the grant is revoked (RFC 6749 §4.1.2)', async () => {
    const setup = await memoryCore()
    const issue = await issued(setup)
    const first = await redeem(setup, issue)
    await assert.rejects(redeem(setup, issue), refused('invalid_grant'))
    assert.deepEqual(await grantStates(setup, issue), ['code_reuse'])
    assert.equal(await live(setup, first.refreshToken), false)
    assert.deepEqual(
      setup.events.map((event) => event.event),
      ['authorization_code_reused'],
    )
  })

  test('landed as the database failed: the retry gets tokens afresh, and a later use is reuse', async () => {
    const setup = await memoryCore()
    const issue = await issued(setup)
    await assert.rejects(redeem(cut(setup, true), issue), refused('temporarily_unavailable'))
    const retried = await redeem(setup, issue)
    // The grant the lost answer started reached no one: it gave way to the retry's.
    assert.deepEqual(await grantStates(setup, issue), ['code_retry', 'live'])
    assert.equal(await live(setup, retried.refreshToken), true)
    assert.deepEqual(setup.events, [])
    // One retry per failure: presented once more, the code is reused like any other.
    await assert.rejects(redeem(setup, issue), refused('invalid_grant'))
    assert.deepEqual(await grantStates(setup, issue), ['code_retry', 'code_reuse'])
    assert.equal(await live(setup, retried.refreshToken), false)
  })

  test('failed before it landed: the retry redeems, and a later use is reuse', async () => {
    const setup = await memoryCore()
    const issue = await issued(setup)
    await assert.rejects(redeem(cut(setup, false), issue), refused('temporarily_unavailable'))
    await redeem(setup, issue)
    assert.deepEqual(await grantStates(setup, issue), ['live'])
    await assert.rejects(redeem(setup, issue), refused('invalid_grant'))
    assert.deepEqual(await grantStates(setup, issue), ['code_reuse'])
  })

  test("the retry's own write cut as it lands: the next retry still gets tokens", async () => {
    const setup = await memoryCore()
    const issue = await issued(setup)
    await assert.rejects(redeem(cut(setup, true), issue), refused('temporarily_unavailable'))
    await assert.rejects(redeem(cut(setup, true), issue), refused('temporarily_unavailable'))
    const retried = await redeem(setup, issue)
    assert.deepEqual(await grantStates(setup, issue), ['code_retry', 'code_retry', 'live'])
    assert.equal(await live(setup, retried.refreshToken), true)
  })

  test('without the PKCE verifier, or from another client, the code is refused and nothing revoked', async () => {
    const setup = await memoryCore()
    const issue = await issued(setup)
    await assert.rejects(redeem(cut(setup, true), issue), refused('temporarily_unavailable'))
    // Someone who intercepted the code: no tokens, and the client's own retry still works.
    await assert.rejects(redeem(setup, issue, { verifier: newPkce().verifier }), refused('invalid_grant'))
    const other = make.client({ dpopBoundAccessTokens: false, defaultResources: [] })
    await setup.stores.clients.create(other)
    await assert.rejects(redeem(setup, issue, { client: other }), refused('invalid_grant'))
    assert.deepEqual(await grantStates(setup, issue), ['live'])
    const retried = await redeem(setup, issue)
    assert.equal(await live(setup, retried.refreshToken), true)
    assert.deepEqual(setup.events, [])
  })

  test('while the unsettled redemptions cannot be read, a used code is neither redeemed nor reuse', async () => {
    const setup = await memoryCore()
    const issue = await issued(setup)
    await assert.rejects(redeem(cut(setup, true), issue), refused('temporarily_unavailable'))
    const away = { ...setup.context.unsettled, issuedBy: () => Promise.reject(unavailable()) }
    const redisAway = { ...setup, context: { ...setup.context, unsettled: away } }
    await assert.rejects(redeem(redisAway, issue), refused('temporarily_unavailable'))
    assert.deepEqual(await grantStates(setup, issue), ['live'])
    const retried = await redeem(setup, issue)
    assert.equal(await live(setup, retried.refreshToken), true)
  })
})
