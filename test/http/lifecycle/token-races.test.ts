import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { User } from '../../../src/core/model/user.ts'
import { digest } from '../../../src/core/protocol/digest.ts'
import { shiftedClock, testClock } from '../../support/clock.ts'
import { createPostgresDatabase } from '../../support/postgres.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { type Browser, grantTokens, issueCode, newBrowser } from '../../support/flow.ts'
import { introspect, redeemCode, refresh, type RegisteredClient } from '../../support/oauth-client.ts'
import { resourceServer } from '../../support/fixtures.ts'

const TRIALS = 100
const RACERS = 20
const GRACE_TRIALS = 20
const CODE_TRIALS = 30

/** How one race ended, in the terms the assertions compare. */
interface Race {
  /** The refresh tokens the 200 answers handed out, in the order the answers came. */
  readonly handedOut: readonly string[]
  /** Every other answer, as "status error". */
  readonly refused: readonly string[]
  /** Those of `handedOut` that introspect as active right after the race. */
  readonly live: readonly string[]
  readonly revokedReason: () => Promise<string | null>
}

/**
 * A Keyward on a PostgreSQL database of its own (a pool of connections), a client, a person signed in once. The
 * clock is the real one unless `frozen`: each request reads the time when it starts, as in production.
 */
function racingServer(config: { refreshGracePeriod: number }, frozen = false) {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined
  let server: TestServer
  let app: RegisteredClient
  let api: RegisteredClient
  let user: User & { password: string }
  let browser: Browser
  before(async () => {
    database = await createPostgresDatabase('race')
    server = await startTestServer(
      { databaseUrl: database.url, ...config },
      { clock: frozen ? testClock(new Date()) : shiftedClock() },
    )
    app = await server.client({})
    api = await resourceServer(server)
    user = await server.user()
    browser = newBrowser(server.issuer)
  })
  after(async () => {
    await server?.close()
    await database?.drop()
  })

  return {
    refresh: (token: string) => refresh(server, app, token),
    /** A new grant (code flow over HTTP), then RACERS refreshes of its refresh token sent at once. */
    async race(): Promise<Race> {
      const { refreshToken } = await grantTokens(server, app, user, 'read write', browser)
      const grantId = (await server.core.stores.tokens.getRefreshToken(digest(refreshToken)))?.grantId
      const replies = await Promise.all(
        Array.from({ length: RACERS }, () => refresh(server, app, refreshToken)),
      )
      const handedOut = replies.filter((r) => r.status === 200).map((r) => String(r.json.refresh_token))
      const live: string[] = []
      for (const token of handedOut)
        if ((await introspect(server, api, token)).active === true) live.push(token)
      return {
        handedOut,
        refused: replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${String(r.json.error)}`),
        live,
        revokedReason: async () =>
          (await server.core.stores.grants.get(grantId ?? ''))?.revokedReason ?? null,
      }
    },
    /** A new code, then RACERS redemptions of it sent at once; `live`: the winners' tokens still active after. */
    async redemptionRace(): Promise<Omit<Race, 'revokedReason'>> {
      const { code, verifier } = await issueCode(server, { client: app.client, user, scope: 'read', browser })
      const replies = await Promise.all(
        Array.from({ length: RACERS }, () =>
          redeemCode(server, { client: app.client, secret: app.secret, code, verifier }),
        ),
      )
      const winners = replies.filter((reply) => reply.status === 200)
      const live: string[] = []
      for (const token of winners.flatMap((reply) => [reply.json.access_token, reply.json.refresh_token]))
        if ((await introspect(server, api, String(token))).active === true) live.push(String(token))
      return {
        handedOut: winners.map((reply) => String(reply.json.refresh_token)),
        refused: replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${String(r.json.error)}`),
        live,
      }
    },
  }
}

describe('racing redemptions of one authorization code on PostgreSQL (RFC 6749 §4.1.2)', () => {
  const keyward = racingServer({ refreshGracePeriod: 0 })

  test(`${CODE_TRIALS} trials of ${RACERS} concurrent redemptions: one winner, whose tokens die with its grant`, async () => {
    const failures: string[] = []
    for (let trial = 0; trial < CODE_TRIALS; trial++) {
      const race = await keyward.redemptionRace()
      const outcome = { winners: race.handedOut.length, refused: race.refused, live: race.live.length }
      const expected = {
        winners: 1,
        refused: Array.from({ length: RACERS - 1 }, () => '400 invalid_grant'),
        live: 0,
      }
      if (JSON.stringify(outcome) !== JSON.stringify(expected))
        failures.push(`trial ${trial}: ${JSON.stringify(outcome)}`)
    }
    assert.deepEqual({ failures: failures.slice(0, 5), failed: failures.length }, { failures: [], failed: 0 })
  })
})

describe('racing refreshes on PostgreSQL, no grace period (the default)', () => {
  const keyward = racingServer({ refreshGracePeriod: 0 })

  test(`${TRIALS} trials of ${RACERS} concurrent uses of one refresh token: one winner, whose tokens die with the family (RFC 9700 §4.14.2)`, async (t) => {
    const winners: Record<number, number> = {}
    const failures: string[] = []
    for (let trial = 0; trial < TRIALS; trial++) {
      const race = await keyward.race()
      winners[race.handedOut.length] = (winners[race.handedOut.length] ?? 0) + 1
      // Every loser presented a token rotated a moment before: reuse, which revokes the grant and the winner's
      // new refresh token with it. So after the race nothing is live, and the winner's token is refused too.
      const afterwards = await Promise.all(
        race.handedOut.map(async (token) => (await keyward.refresh(token)).status),
      )
      const outcome = {
        refused: race.refused,
        live: race.live.length,
        revokedReason: await race.revokedReason(),
        winnerAfterwards: afterwards,
      }
      const expected = {
        refused: Array.from({ length: RACERS - 1 }, () => '400 invalid_grant'),
        live: 0,
        revokedReason: 'refresh_reuse',
        winnerAfterwards: [400],
      }
      if (JSON.stringify(outcome) !== JSON.stringify(expected))
        failures.push(`trial ${trial}: ${JSON.stringify(outcome)}`)
    }
    t.diagnostic(`winners per trial: ${JSON.stringify(winners)}`)
    assert.deepEqual(
      { winners, failures: failures.slice(0, 5), failed: failures.length },
      { winners: { 1: TRIALS }, failures: [], failed: 0 },
      `winners per trial: ${JSON.stringify(winners)}`,
    )
  })
})

describe('racing refreshes on PostgreSQL with a grace period', () => {
  const keyward = racingServer({ refreshGracePeriod: 10 })
  const frozen = racingServer({ refreshGracePeriod: 10 }, true)

  test(`${GRACE_TRIALS} trials of ${RACERS} concurrent uses: never two live chains`, async (t) => {
    // A racer that read the clock before the winner rotated sees a negative age: reuse, the family dies. The
    // others are retries within the grace period, each superseding the successor before it. Either way, at most
    // one refresh token handed out lives on, and exactly one while the grant does.
    const seen: Record<string, number> = {}
    for (let trial = 0; trial < GRACE_TRIALS; trial++) {
      const race = await keyward.race()
      const reason = await race.revokedReason()
      const key = `${race.handedOut.length} answered, ${race.live.length} live, grant ${reason ?? 'alive'}`
      seen[key] = (seen[key] ?? 0) + 1
      assert.equal(race.live.length, reason === null ? 1 : 0, JSON.stringify(seen))
    }
    t.diagnostic(JSON.stringify(seen))
  })

  test(`${RACERS} concurrent uses within the grace period leave exactly one live chain`, async () => {
    // The test clock stands still, so every racer after the first is a retry 0 s after the rotation, within the
    // grace period: each gets tokens and supersedes the successor the one before it got. One chain lives on.
    const race = await frozen.race()
    assert.deepEqual(race.refused, [])
    assert.equal(race.handedOut.length, RACERS)
    assert.equal(race.live.length, 1, 'exactly one of the refresh tokens handed out is live')
    assert.equal(await race.revokedReason(), null)

    // A superseded successor presented later means two parties hold the family: reuse, the family dies.
    const superseded = race.handedOut.find((token) => !race.live.includes(token))
    assert.ok(superseded)
    assert.equal((await frozen.refresh(superseded)).status, 400)
    assert.equal(await race.revokedReason(), 'refresh_reuse')
    assert.equal((await frozen.refresh(race.live[0] ?? '')).status, 400)
  })
})
