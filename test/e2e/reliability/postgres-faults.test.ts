import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { describe, test, type TestContext } from 'node:test'
import { registerClient, type ClientRegistration } from '../../../src/core/client-registration.ts'
import { newUser } from '../../../src/core/users.ts'
import { openStores } from '../../../src/store/index.ts'
import { cryptoRandom, systemClock } from '../../../src/system.ts'
import { startKeywardProcess, type KeywardProcess } from '../../support/keyward-process.ts'
import { createPostgresDatabase, withPostgresAdmin } from '../../support/postgres.ts'
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts'
import {
  type Chain,
  chain,
  type Credentials,
  type MixedLoad,
  type Outcome,
  outcomesOf,
  post,
  type Reply,
  REQUEST_TIMEOUT_MS,
  startMixedLoad,
  tally,
} from './mixed-load.ts'
import { redeemCode } from '../../support/oauth-client.ts'
import { TEST_SECRET, testConfig } from '../../support/fixtures.ts'
import { authorizeCode, codeOf, newBrowser, newPkce } from '../../support/flow.ts'

/** Faults injected per case: bounded, and enough to catch a crash that happens only some of the time. */
const ROUNDS = 3
/** Outcomes gathered in each phase before moving on (or less, if the phase's time runs out first). */
const PER_PHASE = 30
const PHASE_TIMEOUT_MS = 20_000
/** How long Keyward may take to find the database again once it is back. */
const RECOVERY_TIMEOUT_MS = 30_000
/** Codes redeemed across each fault: some are in flight as it strikes, and some may be cut as they land. */
const CODES_PER_FAULT = 4

const CLIENT = {
  type: 'confidential',
  redirectUris: [],
  scopes: ['profile', 'read', 'write'],
} as const

/** A fresh database with a service, a resource server, a web app and a person, served by `keyward start`. */
interface Fixture {
  readonly database: Awaited<ReturnType<typeof createPostgresDatabase>>
  readonly databaseName: string
  readonly proxy: TcpProxy
  readonly keyward: KeywardProcess
  readonly service: Credentials
  readonly resourceServer: Credentials
  readonly app: Credentials & { readonly redirectUri: string }
  /** A new code and its PKCE verifier (the person signs in once; later codes reuse the session). */
  code(): Promise<{ readonly code: string; readonly verifier: string }>
  /** A new refresh token from the code flow. */
  refreshToken(): Promise<string>
  close(): Promise<void>
}

async function startFixture(env: Readonly<Record<string, string>> = {}): Promise<Fixture> {
  const database = await createPostgresDatabase('faults')
  const databaseName = new URL(database.url).pathname.slice(1)
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
  const config = testConfig({ issuer: 'http://127.0.0.1:1', databaseUrl: database.url })
  const deps = { config, clock: systemClock, random: cryptoRandom }
  const user = { username: 'ada', password: 'correct horse battery' }
  // Set up directly on the database, not through the proxy: the faults are for Keyward alone.
  const stores = await openStores(database.url)
  const register = async (registration: Partial<ClientRegistration> & { name: string }) => {
    const { client, secret } = registerClient(
      { ...CLIENT, grantTypes: ['client_credentials'], ...registration },
      deps,
    )
    await stores.clients.create(client)
    return { id: client.id, secret: secret ?? '', redirectUris: client.redirectUris }
  }
  let service, resourceServer, app
  try {
    service = await register({ name: 'Billing job' })
    resourceServer = await register({ name: 'Orders API', canIntrospect: true })
    app = await register({
      name: 'Web app',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example/callback'],
    })
    await stores.users.create(await newUser(user.username, user.password, deps))
  } finally {
    await stores.close()
  }
  const proxied = new URL(database.url)
  proxied.port = String(proxy.port)
  const keyward = await startKeywardProcess({
    KEYWARD_DATABASE_URL: proxied.href,
    KEYWARD_SECRET: TEST_SECRET,
    KEYWARD_LOG_LEVEL: 'warn',
    ...env,
  })
  const browser = newBrowser(keyward.issuer)
  const webApp = {
    id: app.id,
    redirectUris: app.redirectUris,
    tokenEndpointAuthMethod: 'client_secret_basic',
  } as const
  const newCode = async () => {
    const pkce = newPkce()
    const location = await authorizeCode(keyward, {
      client: webApp,
      pkce,
      user,
      browser,
      params: { scope: 'read' },
    })
    return { code: codeOf(location), verifier: pkce.verifier }
  }
  return {
    database,
    databaseName,
    proxy,
    keyward,
    service,
    resourceServer,
    app: { ...app, redirectUri: app.redirectUris[0] ?? '' },
    code: newCode,
    async refreshToken() {
      const { code, verifier } = await newCode()
      const reply = await redeemCode(keyward, { client: webApp, secret: app.secret, code, verifier })
      assert.equal(reply.status, 200, JSON.stringify(reply.json))
      return String(reply.json.refresh_token)
    },
    async close() {
      await keyward.close()
      await proxy.kill()
      await database.drop()
    },
  }
}

/** The process is still running; if not, its last output says why (the unhandled error and its stack). */
function assertAlive(fixture: Fixture, when: string): void {
  const ended = fixture.keyward.ended()
  assert.equal(ended, null, `Keyward ended (${ended}) ${when}:\n${fixture.keyward.output().slice(-3000)}`)
}

/** Every answer is a success (or the reuse of a spent token, see Chain.spent), or 503 where `unavailable`. */
function assertAnswers(outcomes: readonly Outcome[], when: string, unavailable: boolean): void {
  for (const outcome of outcomes) {
    const ok =
      outcome.status === 200 ||
      outcome.spent === true ||
      (unavailable && outcome.status === 503 && outcome.error === 'temporarily_unavailable')
    assert.ok(ok, `${when}: ${JSON.stringify(outcome)}; all: ${JSON.stringify(tally(outcomes))}`)
  }
}

/** Polls client credentials and introspection until both succeed; returns how long that took. */
async function timeToRecover(fixture: Fixture): Promise<number> {
  const started = performance.now()
  for (const deadline = Date.now() + RECOVERY_TIMEOUT_MS; Date.now() < deadline; await delay(100)) {
    const issued = await post(fixture.keyward.issuer, '/token', fixture.service, {
      grant_type: 'client_credentials',
    })
    if (issued.status !== 200) continue
    const introspected = await post(fixture.keyward.issuer, '/introspect', fixture.resourceServer, {
      token: String(issued.body.access_token),
    })
    if (introspected.status === 200 && introspected.body.active === true) return performance.now() - started
  }
  assert.fail(
    `Keyward did not recover within ${RECOVERY_TIMEOUT_MS} ms:\n${fixture.keyward.output().slice(-3000)}`,
  )
}

async function refreshes(fixture: Fixture, token: string): Promise<boolean> {
  const reply = await post(fixture.keyward.issuer, '/token', fixture.app, {
    grant_type: 'refresh_token',
    refresh_token: token,
  })
  return reply.status === 200
}

/**
 * Redeems a code as a client does across a fault: a 503 (or no answer) is retried until the database is back.
 * Returns the final answer and how many tries it took.
 */
async function redeemAcross(
  fixture: Fixture,
  { code, verifier }: { code: string; verifier: string },
): Promise<{ reply: Reply; tries: number }> {
  const form = {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: fixture.app.redirectUri,
  }
  for (let tries = 1, deadline = Date.now() + RECOVERY_TIMEOUT_MS + PHASE_TIMEOUT_MS; ; tries++) {
    const reply = await post(fixture.keyward.issuer, '/token', fixture.app, form)
    if ((reply.status !== 503 && reply.status !== 0) || Date.now() > deadline) return { reply, tries }
    await delay(100)
  }
}

/**
 * Runs ROUNDS faults under mixed load. Each round: load answered normally, `fault` injected, the outcomes sent
 * during it, `repair`, the time until Keyward serves again, and the load answered normally after. A refresh
 * token issued before each fault and not used during it still works after.
 */
async function survivesFaults(
  t: TestContext,
  fixture: Fixture,
  fault: { inject(): Promise<void>; repair(): Promise<void>; outageOutcomes: number },
): Promise<void> {
  const chains: Chain[] = []
  for (let index = 0; index < 4; index++) chains.push(chain(await fixture.refreshToken()))
  const load: MixedLoad = startMixedLoad({
    issuer: fixture.keyward.issuer,
    service: fixture.service,
    resourceServer: fixture.resourceServer,
    app: fixture.app,
    chains,
    workers: 8,
  })
  const report: string[] = []
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const idle = await fixture.refreshToken()
      load.phase = `before ${round}`
      const normal = await outcomesOf(load, load.phase, PER_PHASE, PHASE_TIMEOUT_MS)
      assertAnswers(normal, `round ${round}, before the fault`, false)

      // Redeemed across the fault, a few milliseconds apart so that some are in flight as it strikes: a redemption
      // cut as it landed is retried by the client, which must get its tokens, never a reuse revoking its grant.
      const codes = []
      for (let index = 0; index < CODES_PER_FAULT; index++) codes.push(await fixture.code())
      const redemptions = Promise.all(
        codes.map(async (code, index) => {
          await delay(index * 20)
          return redeemAcross(fixture, code)
        }),
      )
      load.phase = `outage ${round}`
      await fault.inject()
      const outage = await outcomesOf(load, load.phase, fault.outageOutcomes, PHASE_TIMEOUT_MS)
      assertAlive(fixture, `during fault ${round}`)
      // No 500, no hang, no dropped connection: a success, or RFC 6749's 503 temporarily_unavailable.
      assertAnswers(outage, `round ${round}, during the fault`, true)

      load.phase = `recovery ${round}`
      await fault.repair()
      const recoveryMs = await timeToRecover(fixture)
      const recovering = load.outcomes.filter((outcome) => outcome.phase === load.phase)
      assertAnswers(recovering, `round ${round}, while recovering`, true)

      const redeemed = await redemptions
      for (const { reply } of redeemed) {
        assert.equal(
          reply.status,
          200,
          `round ${round}: a code redeemed across the fault: ${JSON.stringify(reply)}`,
        )
      }
      load.phase = `after ${round}`
      const later = await outcomesOf(load, load.phase, PER_PHASE, PHASE_TIMEOUT_MS)
      assertAnswers(later, `round ${round}, after recovery`, false)
      assertAlive(fixture, `after fault ${round}`)
      assert.ok(
        await refreshes(fixture, idle),
        `round ${round}: a refresh token issued before the fault still works`,
      )
      report.push(
        `fault ${round}: during ${JSON.stringify(tally(outage))}, recovering ${JSON.stringify(tally(recovering))}, ` +
          `recovered in ${Math.round(recoveryMs)} ms; codes redeemed in ${redeemed.map(({ tries }) => tries).join(', ')} tries`,
      )
    }
  } finally {
    await load.stop()
  }
  // Every chain's latest token survived every fault: a rotation cut off as it landed answered 503, and the
  // client's retry of its token was answered as a retry, never taken for reuse (which would end the chain).
  for (const [index, chain] of chains.entries()) {
    assert.equal(
      chain.spent,
      false,
      `chain ${index}: the retry of a rotation cut off by the fault was taken for reuse`,
    )
    assert.ok(await refreshes(fixture, chain.token), `chain ${index}: its latest refresh token still works`)
  }
  const outage = load.outcomes.filter((outcome) => outcome.phase.startsWith('outage'))
  report.push(
    `${ROUNDS} of ${ROUNDS} faults survived; ${load.outcomes.length} requests, ${outage.length} during faults: ` +
      `${JSON.stringify(tally(outage))}`,
  )
  for (const line of report) t.diagnostic(line)
}

/** Runs `work` against a fixture of its own: one fault case cannot leave the next one a dead process. */
async function withFixture(env: Readonly<Record<string, string>>, work: (fixture: Fixture) => Promise<void>) {
  const fixture = await startFixture(env)
  try {
    await work(fixture)
  } finally {
    await fixture.close()
  }
}

describe('PostgreSQL faults under mixed load, Keyward in a child process', { timeout: 300_000 }, () => {
  test('the proxy killed and revived: 503 temporarily_unavailable during, recovery after, nothing lost', (t) =>
    withFixture({}, (fixture) =>
      survivesFaults(t, fixture, {
        async inject() {
          await fixture.proxy.kill()
          // A person's page needs the database too (an id never seen, so never cached): a 503 page.
          const query = new URLSearchParams({ client_id: randomUUID(), response_type: 'code' })
          const page = await fetch(`${fixture.keyward.issuer}/authorize?${query}`, {
            headers: { accept: 'text/html' },
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          })
          assert.equal(page.status, 503)
          assert.match(await page.text(), /Error code: temporarily_unavailable/)
        },
        repair: () => fixture.proxy.revive(),
        outageOutcomes: PER_PHASE,
      }),
    ))

  test('pg_terminate_backend on every backend: no crash, 503 at most, recovery, nothing lost', (t) =>
    withFixture({}, async (fixture) => {
      let terminated = 0
      await survivesFaults(t, fixture, {
        async inject() {
          const result = await withPostgresAdmin((client) =>
            client.query(
              'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
              [fixture.databaseName],
            ),
          )
          assert.ok(result.rowCount !== null && result.rowCount > 0, 'some backend was terminated')
          terminated += result.rowCount
        },
        repair: async () => {},
        // Whatever was in flight when the backends went: the outage itself is over at once.
        outageOutcomes: 0,
      })
      t.diagnostic(`${terminated} backends terminated`)
    }))

  test('a stall with short database timeouts: 503 temporarily_unavailable instead of a hang, then recovery', (t) =>
    withFixture(
      {
        KEYWARD_DATABASE_CONNECT_TIMEOUT_MS: '1000',
        KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        KEYWARD_DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
      },
      (fixture) =>
        survivesFaults(t, fixture, {
          async inject() {
            fixture.proxy.stall()
            // The metadata lists clients on every request: it too answers within the timeouts, not a hang.
            const metadata = await fetch(`${fixture.keyward.issuer}/.well-known/oauth-authorization-server`, {
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            })
            assert.equal(metadata.status, 503)
            assert.equal(((await metadata.json()) as { error?: string }).error, 'temporarily_unavailable')
          },
          repair: async () => fixture.proxy.resume(),
          outageOutcomes: 20,
        }),
    ))
})
