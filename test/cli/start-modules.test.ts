import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { cliHome } from '../support/cli.ts'
import { startLoggingModules } from '../support/keyward-process.ts'

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href

// Issue #14: every module `keyward start` loads costs each start time and memory, so what only some requests or
// other commands use is imported when first used. Run from the sources, where each module is its own file.
test('keyward start loads neither jose, readline, argon2, the admin API operations nor the other commands', async (t) => {
  const home = cliHome()
  const logDir = mkdtempSync(join(tmpdir(), 'keyward-modules-'))
  const log = join(logDir, 'modules.txt')
  t.after(() => {
    home.remove()
    rmSync(logDir, { recursive: true, force: true })
  })
  const server = await startLoggingModules(home.env, MAIN, log)
  const metadata = await fetch(`${server.issuer}/.well-known/openid-configuration`)
  assert.equal(metadata.status, 200)
  await server.close()

  const loaded = readFileSync(log, 'utf8').split('\n')
  // The log is complete: the server's own modules are in it.
  assert.ok(
    loaded.some((url) => url.endsWith('/src/http/app.ts')),
    'the app module is logged',
  )
  assert.ok(loaded.includes('node:http'), 'built-ins are logged')
  // Only client JWTs need jose, prompts readline, and passwords the argon2 addon.
  assert.deepEqual(
    loaded.filter((url) => /\/node_modules\/(jose|@node-rs\/argon2[^/]*)\/|^node:readline/.test(url)),
    [],
  )
  // The admin API's operations and their zod schemas load at its first call; its routes are a light table.
  assert.ok(
    loaded.some((url) => url.endsWith('/src/core/admin-api/routes.ts')),
    'the admin routes are',
  )
  assert.deepEqual(
    loaded.filter((url) =>
      /\/src\/core\/(admin-api\/(operations|inputs)|admin\/view-schemas)\.ts$/.test(url),
    ),
    [],
  )
  // Each command's module loads when that command runs.
  assert.deepEqual(
    loaded.filter((url) => url.includes('/src/cli/commands/')),
    [new URL('../../src/cli/commands/start.ts', import.meta.url).href],
  )
})
