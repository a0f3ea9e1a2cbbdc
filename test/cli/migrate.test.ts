import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, describe, test } from 'node:test'
import { cliHome, runCli } from '../support/cli.ts'

describe('keyward migrate', () => {
  const home = cliHome()
  after(() => home.remove())

  test('creates the schema of a new database, then finds nothing to do', async () => {
    assert.equal(existsSync(home.path), false)
    const first = await runCli(['migrate'], home.env)
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^Applied: 001-initial\b/)
    const tables = home.rows('sqlite_master').map((row) => row.name)
    for (const table of ['clients', 'users', 'grants', 'refresh_tokens', 'access_tokens', 'signing_keys']) {
      assert.ok(tables.includes(table), `${table} exists`)
    }

    const second = await runCli(['migrate'], home.env)
    assert.equal(second.code, 0, second.stderr)
    assert.equal(second.stdout.trim(), 'The schema is up to date.')
  })
})
