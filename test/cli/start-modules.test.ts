import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { cliHome } from '../support/cli.ts'
import { startKeywardProcess } from '../support/keyward-process.ts'

const MODULE_LOG = fileURLToPath(new URL('../support/module-log.ts', import.meta.url))
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href

// Issue #14: every module `keyward start` loads costs each start time and memory, so what only some requests or
// other commands use is imported when first used. Run from the sources, where each module is its own file.
test('keyward start loads neither jose nor readline: only client JWTs and prompts need them', async (t) => {
  const home = cliHome()
  const logDir = mkdtempSync(join(tmpdir(), 'keyward-modules-'))
  const log = join(logDir, 'modules.txt')
  t.after(() => {
    home.remove()
    rmSync(logDir, { recursive: true, force: true })
  })
  const server = await startKeywardProcess(
    { ...home.env, KEYWARD_LOG_LEVEL: 'silent', MODULE_LOG: log },
    {
      args: [
        '--import',
        pathToFileURL(MODULE_LOG).href,
        '--input-type=module',
        '-e',
        `const { main } = await import(${JSON.stringify(MAIN)})
         process.exitCode = await main(['start'], process.env)`,
      ],
    },
  )
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
  assert.deepEqual(
    loaded.filter((url) => /\/node_modules\/jose\/|^node:readline/.test(url)),
    [],
  )
})
