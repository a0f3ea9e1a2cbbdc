import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** The cells of a Markdown table row. */
const cells = (line: string) =>
  line
    .split('|')
    .slice(1, -1)
    .map((cell) => cell.trim())

test('npm run bench --quick measures Keyward on SQLite against the node:http limit and prints one table', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      'bench/run.ts',
      '--quick',
      '--scenarios',
      'client-credentials-jwt',
      '--servers',
      'limit,keyward-sqlite',
      '--no-save',
    ],
    { cwd: ROOT, timeout: 60_000 },
  )
  const lines = stdout.split('\n')
  const header = cells(lines.find((line) => line.startsWith('| scenario')) ?? '')
  const row = (server: string) => {
    const line = lines.find((entry) => entry.startsWith(`| client-credentials-jwt | ${server} `))
    assert.ok(line, `no ${server} row in:\n${stdout}`)
    return Object.fromEntries(cells(line).map((cell, column) => [header[column], cell]))
  }
  const keyward = row('keyward-sqlite')
  const limit = row('limit')

  assert.match(keyward['median (min–max)'] ?? '', /^[\d,]+ req\/s$/)
  assert.match(keyward['× limit'] ?? '', /^\d+\.\d\d×$/, 'Keyward has a same-round ratio to the limit')
  assert.equal(limit['× limit'], '—', 'the limit is not compared with itself')
  // Every request was a valid token request: Keyward issued a token each time.
  assert.equal(keyward.errors, '0')
  assert.equal(limit.errors, '0')
  assert.match(keyward['RSS idle MB'] ?? '', /^\d+$/)
  assert.match(stdout, /client-credentials-jwt ≥ 0\.28× the node:http limit/)
})
