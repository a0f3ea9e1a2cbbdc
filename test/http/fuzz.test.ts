import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createPostgresDatabase } from '../support/postgres.ts'
import { startTestServer } from '../support/server.ts'
import { fuzz } from './fuzz/run.ts'
import { basicAuthorization } from '../support/oauth-client.ts'

/** Fixed, so that a failure is replayed exactly; bounded, so that each store takes well under a minute. */
const OPTIONS = { seed: 20_250_901, requests: 3000, raw: 1000, concurrency: 8 }

async function fuzzStore(t: TestContext, databaseUrl?: string): Promise<void> {
  const server = await startTestServer(databaseUrl === undefined ? {} : { databaseUrl })
  try {
    const report = await fuzz(server, OPTIONS)
    t.diagnostic(`${report.sent} requests; statuses ${JSON.stringify(Object.fromEntries(report.statuses))}`)
    for (const [problem, { count, examples }] of report.violations) {
      t.diagnostic(`${count} × ${problem}:\n  ${examples.join('\n  ')}`)
    }
    const serverErrors = server.logs
      .map((line) => JSON.parse(line) as { level: number; err?: { message?: string } })
      .filter((entry) => entry.level >= 50)
    if (serverErrors.length > 0) {
      t.diagnostic(`${serverErrors.length} server errors logged, the first: ${serverErrors[0]?.err?.message}`)
    }

    // Still alive, and still serving a normal request.
    const metadata = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
    assert.equal(metadata.status, 200)
    const { client, secret } = await server.client({
      name: 'After the fuzz',
      grantTypes: ['client_credentials'],
    })
    const token = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(client.id, secret ?? '') },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    })
    assert.equal(token.status, 200, await token.text())

    const broken = Object.fromEntries([...report.violations].map(([problem, { count }]) => [problem, count]))
    if (serverErrors.length > 0) broken['server errors logged'] = serverErrors.length
    assert.deepEqual(broken, {}, 'every answer keeps the rules, and nothing is logged as a server error')
  } finally {
    await server.close()
  }
}

test('fuzzing every endpoint on SQLite: no 5xx, RFC 6749 JSON or HTML errors, still serving', (t) =>
  fuzzStore(t))

test('fuzzing every endpoint on PostgreSQL: no 5xx, RFC 6749 JSON or HTML errors, still serving', async (t) => {
  const database = await createPostgresDatabase('fuzz')
  try {
    await fuzzStore(t, database.url)
  } finally {
    await database.drop()
  }
})
