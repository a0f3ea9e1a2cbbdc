import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url))

// Issue #15 item 4: the README's two commands are the whole set-up, so `npm test` prepares what its tests use,
// and CI runs nothing else.
describe("npm test's preparation (scripts/prepare-test-services.ts)", () => {
  test('is the pretest step, and .ci/run only installs, checks and runs the README’s test command', async () => {
    const manifest = JSON.parse(await readFile(`${REPOSITORY}package.json`, 'utf8')) as {
      scripts: Record<string, string>
    }
    assert.equal(manifest.scripts.pretest, 'node scripts/prepare-test-services.ts')
    const readme = await readFile(`${REPOSITORY}README.md`, 'utf8')
    assert.match(readme, /\nnpm test {2,}#/, 'the quick start runs npm test')
    const commands = (await readFile(`${REPOSITORY}.ci/run`, 'utf8'))
      .split('\n')
      .filter((line) => line !== '' && !/^(#|echo |set |cd |export )/.test(line))
    assert.deepEqual(commands, [
      'npm ci --no-audit --no-fund',
      'npm run lint',
      'npm run typecheck',
      'npm test',
    ])
  })

  test('where Chromium, PostgreSQL and Redis are ready (as npm test left them) it says so in one line', async () => {
    const { stdout, stderr } = await run(process.execPath, ['scripts/prepare-test-services.ts'], {
      cwd: REPOSITORY,
      timeout: 60_000,
    })
    assert.equal(stdout, 'test services: Chromium, PostgreSQL and Redis are ready\n')
    assert.equal(stderr, '')
  })
})
