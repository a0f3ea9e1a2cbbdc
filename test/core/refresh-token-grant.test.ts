import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { OAuthError } from '../../src/core/errors.ts'
import { refreshTokenGrant } from '../../src/core/grants/refresh-token.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { Grant } from '../../src/core/model/grant.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { issueGrantTokens } from '../../src/core/tokens/issue.ts'
import { serverTarget } from '../../src/core/resources/audience.ts'
import { memoryCore } from '../support/core-context.ts'
import { cutOnce as cutStores, unavailable } from '../support/cut-stores.ts'
import * as make from '../support/fixtures.ts'
import { testConfig } from '../support/fixtures.ts'

// The refresh_token grant's rules, on the memory store with a test clock: no server, no database.

const ADDRESS = '192.0.2.7'

function core(settings: { refreshGracePeriod?: number } = {}) {
  return memoryCore(testConfig(settings))
}

type Core = Awaited<ReturnType<typeof core>>

/** A client with a user's grant and its first tokens, as a redeemed authorization code leaves them. */
async function granted({ context, stores }: Core, overrides: Partial<Client> = {}) {
  const owner = { client: make.client(overrides), user: make.user() }
  await stores.clients.create(owner.client)
  await stores.users.create(owner.user)
  // The server-wide audience: a grant for no registered resource.
  const grant = make.grant(owner, { resources: [] })
  await stores.grants.create(grant)
  const target = serverTarget(context.config)
  const tokens = await issueGrantTokens(
    stores,
    { client: owner.client, grant, scope: grant.scope, target, dpopJkt: null },
    context,
  )
  assert.ok(tokens.refreshToken)
  return { ...owner, grant, tokens, refreshToken: tokens.refreshToken }
}

function refresh({ context }: Core, client: Client, refreshToken: string | undefined, scope: string[] = []) {
  assert.ok(refreshToken, 'a refresh token was issued')
  return refreshTokenGrant.issue(
    { refreshToken, scope, resources: [] },
    { ...context, client, address: ADDRESS, dpopJkt: null },
  )
}

const refused = (code: string) => (error: unknown) => error instanceof OAuthError && error.code === code

/** The core with its stores' next rotating write cut off (landed or not), as a dropped connection cuts it. */
function cutOnce(setup: Core, landed: boolean): Core {
  return { ...setup, context: { ...setup.context, stores: cutStores(setup.context.stores, landed) } }
}

/** A use whose rotation lands as the database fails: the client is answered 503 and retries. */
function lostAnswer(setup: Core, client: Client, refreshToken: string) {
  return assert.rejects(
    refresh(cutOnce(setup, true), client, refreshToken),
    refused('temporarily_unavailable'),
  )
}

async function revokedReason(stores: Core['stores'], grant: Grant): Promise<string | null | undefined> {
  return (await stores.grants.get(grant.id))?.revokedReason
}

describe('refresh_token grant (RFC 6749 §6, RFC 9700 §4.14.2), in core', () => {
  test('every use rotates: a new refresh token, and the one it replaced is spent', async () => {
    const setup = await core()
    const { client, refreshToken } = await granted(setup)
    const second = await refresh(setup, client, refreshToken)
    assert.ok(second.refreshToken)
    assert.notEqual(second.refreshToken, refreshToken)
    const third = await refresh(setup, client, second.refreshToken)
    assert.notEqual(third.refreshToken, second.refreshToken)
  })

  test('reusing a rotated refresh token revokes the grant and every token in it, and says so once', async () => {
    const setup = await core()
    const { client, user, grant, refreshToken } = await granted(setup)
    const second = await refresh(setup, client, refreshToken)

    await assert.rejects(refresh(setup, client, refreshToken), refused('invalid_grant'))

    assert.equal(await revokedReason(setup.stores, grant), 'refresh_reuse')
    // The thief may hold the newest token as well as the client: it dies too, with its access token.
    await assert.rejects(refresh(setup, client, second.refreshToken), refused('invalid_grant'))
    const access = await setup.stores.tokens.getAccessToken(digest(second.accessToken))
    assert.notEqual(access?.revokedAt, null)
    assert.deepEqual(setup.events, [
      {
        event: 'refresh_token_reused',
        clientId: client.id,
        grantId: grant.id,
        userId: user.id,
        address: ADDRESS,
      },
    ])
  })

  test('another client cannot use the token, and failing to does not burn it for its own client', async () => {
    const setup = await core()
    const { client, grant, refreshToken } = await granted(setup)
    const other = make.client()
    await setup.stores.clients.create(other)
    await assert.rejects(refresh(setup, other, refreshToken), refused('invalid_grant'))
    await refresh(setup, client, refreshToken)
    assert.equal(await revokedReason(setup.stores, grant), null)
  })

  test('the scope may narrow and never widen; the rotated token keeps the original scope', async () => {
    const setup = await core()
    const { client, grant, refreshToken } = await granted(setup)
    await assert.rejects(refresh(setup, client, refreshToken, ['openid']), refused('invalid_scope'))
    const narrowed = await refresh(setup, client, refreshToken, ['photos:read'])
    assert.deepEqual(narrowed.scope, ['photos:read'])
    const full = await refresh(setup, client, narrowed.refreshToken)
    assert.deepEqual(full.scope, grant.scope)
  })

  test('idle expiry: each use extends the window, a token left idle longer dies', async () => {
    const setup = await core()
    const { client, refreshToken } = await granted(setup, {
      lifetimes: { refreshIdle: 100, refreshAbsolute: 1000 },
    })
    setup.clock.advance(99)
    const second = await refresh(setup, client, refreshToken)
    setup.clock.advance(99)
    const third = await refresh(setup, client, second.refreshToken)
    setup.clock.advance(100)
    await assert.rejects(refresh(setup, client, third.refreshToken), refused('invalid_grant'))
  })

  test('within the grace period a retry takes the place of the lost answer: one chain lives on', async () => {
    const setup = await core({ refreshGracePeriod: 10 })
    const { client, grant, refreshToken } = await granted(setup)
    const lost = await refresh(setup, client, refreshToken)
    setup.clock.advance(9)
    const retried = await refresh(setup, client, refreshToken)
    assert.equal(await revokedReason(setup.stores, grant), null)
    const next = await refresh(setup, client, retried.refreshToken)
    // The lost answer was superseded: whoever presents it holds a second copy of the family. Reuse.
    await assert.rejects(refresh(setup, client, lost.refreshToken), refused('invalid_grant'))
    assert.equal(await revokedReason(setup.stores, grant), 'refresh_reuse')
    await assert.rejects(refresh(setup, client, next.refreshToken), refused('invalid_grant'))
  })

  test('after the grace period a second use is reuse', async () => {
    const setup = await core({ refreshGracePeriod: 10 })
    const { client, grant, refreshToken } = await granted(setup)
    await refresh(setup, client, refreshToken)
    setup.clock.advance(10)
    await assert.rejects(refresh(setup, client, refreshToken), refused('invalid_grant'))
    assert.equal(await revokedReason(setup.stores, grant), 'refresh_reuse')
  })

  test('a rotation that landed as the database failed: the retry is answered, not taken for reuse', async () => {
    const setup = await core()
    const { client, grant, refreshToken } = await granted(setup)
    const cut = cutOnce(setup, true)
    await assert.rejects(refresh(cut, client, refreshToken), refused('temporarily_unavailable'))
    // The database is still down at the first retry: that one fails too, and is retried in turn.
    const { tokens } = cut.context.stores
    const down = {
      ...cut.context.stores,
      tokens: { ...tokens, findRefreshToken: () => Promise.reject(unavailable()) },
    }
    await assert.rejects(
      refresh({ ...cut, context: { ...cut.context, stores: down } }, client, refreshToken),
      refused('temporarily_unavailable'),
    )
    const retried = await refresh(cut, client, refreshToken)
    assert.equal(await revokedReason(setup.stores, grant), null)
    assert.deepEqual(setup.events, [])
    const next = await refresh(setup, client, retried.refreshToken)
    // One retry per failure: presented once more, the token is reused like any other.
    await assert.rejects(refresh(setup, client, refreshToken), refused('invalid_grant'))
    assert.equal(await revokedReason(setup.stores, grant), 'refresh_reuse')
    await assert.rejects(refresh(setup, client, next.refreshToken), refused('invalid_grant'))
  })

  test('a rotation that failed before it landed: the retry rotates, and a later use is reuse', async () => {
    const setup = await core()
    const { client, grant, refreshToken } = await granted(setup)
    const cut = cutOnce(setup, false)
    await assert.rejects(refresh(cut, client, refreshToken), refused('temporarily_unavailable'))
    await refresh(cut, client, refreshToken)
    assert.equal(await revokedReason(setup.stores, grant), null)
    // The failure was forgotten at the retry: it cannot excuse a thief's later replay.
    await assert.rejects(refresh(cut, client, refreshToken), refused('invalid_grant'))
    assert.equal(await revokedReason(setup.stores, grant), 'refresh_reuse')
  })

  test("a retry's own write cut as it lands: the next retry still takes its place", async () => {
    const setup = await core()
    const { client, grant, refreshToken } = await granted(setup)
    await lostAnswer(setup, client, refreshToken)
    // The retry replaces the lost successor, and its own answer is lost the same way.
    await lostAnswer(setup, client, refreshToken)
    const retried = await refresh(setup, client, refreshToken)
    assert.equal(await revokedReason(setup.stores, grant), null)
    await refresh(setup, client, retried.refreshToken)
    assert.deepEqual(setup.events, [])
  })

  test('while the unsettled rotations cannot be read, a spent token is neither answered nor reuse', async () => {
    const setup = await core()
    const { client, grant, refreshToken } = await granted(setup)
    await lostAnswer(setup, client, refreshToken)
    const { unsettled } = setup.context
    const away = { ...unsettled, issuedBy: () => Promise.reject(unavailable()) }
    const redisAway = { ...setup, context: { ...setup.context, unsettled: away } }
    // Perhaps the client's retry, perhaps a thief's replay: refused for now, the grant kept.
    await assert.rejects(refresh(redisAway, client, refreshToken), refused('temporarily_unavailable'))
    assert.equal(await revokedReason(setup.stores, grant), null)
    // Asked again once it can be told: the client's retry.
    await refresh(setup, client, refreshToken)
    assert.equal(await revokedReason(setup.stores, grant), null)
  })
})
