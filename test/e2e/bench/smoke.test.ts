import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { PEER_REDIS } from '../../../bench/servers/peer-clients.ts'
import { connectRedis } from '../../support/redis.ts'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** The cells of a Markdown table row. */
const cells = (line: string) =>
  line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim())

/** Runs `npm run bench -- --quick --no-save` on some scenarios and servers; reads rows of its table by header. */
async function quickBench(scenarios: string, servers: string) {
  const { stdout } = await run(
    process.execPath,
    ['bench/run.ts', '--quick', '--scenarios', scenarios, '--servers', servers, '--no-save'],
    { cwd: ROOT, timeout: 120_000 },
  )
  const lines = stdout.split('\n')
  const header = cells(lines.find((line) => line.startsWith('| scenario')) ?? '')
  const row = (scenario: string, server: string) => {
    const line = lines.find((entry) => entry.startsWith(`| ${scenario} `) && cells(entry)[1] === server)
    assert.ok(line, `no ${scenario} ${server} row in:\n${stdout}`)
    return Object.fromEntries(cells(line).map((cell, column) => [header[column], cell]))
  }
  return { stdout, row }
}

const RATIO = /^\d+\.\d\d×$/

test('npm run bench --quick measures Keyward on SQLite against the node:http limit and prints one table', async () => {
  const { stdout, row } = await quickBench('client-credentials-jwt', 'limit,keyward-sqlite')
  const keyward = row('client-credentials-jwt', 'keyward-sqlite')
  const limit = row('client-credentials-jwt', 'limit')

  assert.match(keyward['median (min–max)'] ?? '', /^[\d,]+ req\/s$/)
  assert.match(keyward['× limit'] ?? '', RATIO, 'Keyward has a same-round ratio to the limit')
  assert.equal(limit['× limit'], '—', 'the limit is not compared with itself')
  // Every request was a valid token request: Keyward issued a token each time.
  assert.equal(keyward.errors, '0')
  assert.equal(limit.errors, '0')
  assert.match(keyward['RSS idle MB'] ?? '', /^\d+$/)
  assert.match(stdout, /idle RSS ≤ 80 MB/, 'the targets are checked after the table')
})

test('the OpenID Connect scenarios run on Keyward and on oidc-provider on Redis, which keeps to its own keys', async () => {
  const redis = await connectRedis()
  // Another user's key in the peer's database: emptying the peer's keys must leave it.
  await redis.select(15)
  const foreign = 'keyward-test:bench-smoke:foreign'
  await redis.set(foreign, 'kept', 'EX', 300)
  try {
    const { row } = await quickBench('userinfo,oidc-code-flow', 'oidc-provider-redis,keyward-sqlite')
    for (const scenario of ['userinfo', 'oidc-code-flow']) {
      const keyward = row(scenario, 'keyward-sqlite')
      const peer = row(scenario, 'oidc-provider-redis')
      // No error: every UserInfo answer was 200, every flow ended with an ID token.
      assert.equal(keyward.errors, '0', `${scenario} on Keyward`)
      assert.equal(peer.errors, '0', `${scenario} on the peer`)
      assert.match(keyward['× oidc-provider on Redis'] ?? '', RATIO, `${scenario}: a same-round ratio`)
    }
    assert.equal(await redis.get(foreign), 'kept')
    assert.deepEqual(await redis.keys(`${PEER_REDIS.prefix}*`), [], 'the peer left nothing behind')
  } finally {
    await redis.del(foreign)
    redis.disconnect()
  }
})
