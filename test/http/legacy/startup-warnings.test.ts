import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type SqliteFile, sqliteFile } from '../../support/sqlite-file.ts'
import { startTestServer } from '../../support/server.ts'

/** A pino log line as the test server collected it. */
interface LogLine {
  readonly level: number
  readonly msg: string
  readonly rule?: string
  readonly client?: string
}

const WARN = 40

describe('start-up warns about every client with a legacy flow', () => {
  let database: SqliteFile
  const legacyClients = new Map<string, string>()
  before(async () => {
    database = sqliteFile('keyward-legacy-')
    // Clients registered by an earlier run of the server on the same database.
    const earlier = await startTestServer({ databaseUrl: database.url })
    try {
      const password = await earlier.client({
        grantTypes: ['password'],
        redirectUris: [],
        allowLegacy: ['password'],
      })
      const implicit = await earlier.client({
        type: 'public',
        grantTypes: ['implicit'],
        redirectUris: ['https://spa.example/callback'],
        allowLegacy: ['implicit'],
      })
      legacyClients.set(password.client.id, 'legacy-password-enabled')
      legacyClients.set(implicit.client.id, 'legacy-implicit-enabled')
      await earlier.client({ name: 'A modern web app' })
    } finally {
      await earlier.close()
    }
  })
  after(() => database.remove())

  test('one warning per legacy client, naming the rule and the client, and none for the others', async () => {
    const server = await startTestServer({ databaseUrl: database.url })
    try {
      const lines = server.logs
        .flatMap((chunk) => chunk.split('\n').filter(Boolean))
        .map((line) => JSON.parse(line) as LogLine)
      const legacyWarnings = lines.filter((line) => line.level === WARN && line.rule?.startsWith('legacy-'))
      assert.equal(legacyWarnings.length, legacyClients.size, JSON.stringify(legacyWarnings, null, 2))
      for (const [clientId, rule] of legacyClients) {
        const warning = legacyWarnings.find((line) => line.client === clientId)
        assert.ok(warning, `a warning for ${clientId}`)
        assert.equal(warning.rule, rule)
        assert.match(warning.msg, /RFC 9700/)
        assert.match(warning.msg, /Fix: /)
      }
    } finally {
      await server.close()
    }
  })
})
