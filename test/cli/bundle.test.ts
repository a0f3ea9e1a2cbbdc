import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { entryPoint } from '../../bin/entry-point.js'
import { bundle } from '../../scripts/build.ts'
import { startLoggingModules } from '../support/keyward-process.ts'
import { cliHome } from '../support/cli.ts'

const REPOSITORY = new URL('../../', import.meta.url)
const STYLESHEET_MARK = '/* the bundle’s own copy */'

test('bin runs the bundle only while it is newer than every source it was built from, or without sources', () => {
  const root = mkdtempSync(join(tmpdir(), 'keyward-entry-'))
  try {
    const at = (path: string, seconds: number, text = '') => {
      mkdirSync(join(root, path, '..'), { recursive: true })
      writeFileSync(join(root, path), text)
      utimesSync(join(root, path), seconds, seconds)
    }
    const rootUrl = pathToFileURL(`${root}/`)
    const sources = new URL('src/cli/main.ts', rootUrl).href
    const built = new URL('dist/main.js', rootUrl).href

    at('src/cli/main.ts', 1_000)
    assert.equal(entryPoint(rootUrl), sources, 'never built')
    at('src/a.ts', 1_000)
    at('dist/inputs.json', 2_000, JSON.stringify(['src/cli/main.ts', 'src/a.ts']))
    at('dist/main.js', 2_000)
    assert.equal(entryPoint(rootUrl), built, 'built after the last edit')
    at('src/a.ts', 3_000)
    assert.equal(entryPoint(rootUrl), sources, 'a source edited since the build')
    at('src/a.ts', 1_000)
    at('src/cli/main.ts', 3_000)
    assert.equal(entryPoint(rootUrl), sources, 'the entry point edited since the build')
    at('src/cli/main.ts', 1_000)
    rmSync(join(root, 'src/a.ts'))
    assert.equal(entryPoint(rootUrl), sources, 'a source removed since the build')
    // The published package: the bundle, without sources or the list of them.
    rmSync(join(root, 'src'), { recursive: true })
    rmSync(join(root, 'dist/inputs.json'))
    assert.equal(entryPoint(rootUrl), built, 'no sources: an installed package')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('the bundle starts the server and serves the files its modules read, copied beside it', async (t) => {
  // Inside the checkout, as dist/ is: the bundle imports its dependencies from the checkout's node_modules.
  const cache = new URL('node_modules/.cache/', REPOSITORY).pathname
  mkdirSync(cache, { recursive: true })
  const outdir = mkdtempSync(join(cache, 'keyward-bundle-'))
  const log = join(outdir, 'modules.txt')
  const home = cliHome()
  t.after(() => {
    rmSync(outdir, { recursive: true, force: true })
    home.remove()
  })
  const inputs = await bundle(outdir)
  for (const input of ['src/cli/main.ts', 'src/index.ts', 'src/http/app.ts', 'src/http/assets/keyward.css']) {
    assert.ok(inputs.includes(input), `built from ${input}`)
  }
  // package.json: the version `keyward --version` prints; npm's record of node_modules: the bundled
  // dependencies' version, so that a dependency installed since the build makes the bundle stale.
  assert.deepEqual(
    inputs.filter((input) => !input.startsWith('src/')),
    ['package.json', 'node_modules/.package-lock.json'],
    'the server depends on nothing outside src/ but its package.json and its dependencies: not the demo, not the examples',
  )

  const copy = join(outdir, 'http/assets/keyward.css')
  writeFileSync(copy, `${STYLESHEET_MARK}\n${readFileSync(copy, 'utf8')}`)

  const server = await startLoggingModules(home.env, pathToFileURL(join(outdir, 'main.js')).href, log)
  t.after(() => server.close())
  const { issuer } = server

  const metadata = await fetch(`${issuer}/.well-known/oauth-authorization-server`)
  assert.equal(metadata.status, 200)
  assert.equal(((await metadata.json()) as { issuer: string }).issuer, issuer)
  // Read through import.meta.url in src/http/app.ts: the bundle reads the copy in outdir (the installed package
  // has no src/), which this test marked.
  const stylesheet = await fetch(`${issuer}/assets/keyward.css`)
  assert.equal(stylesheet.status, 200)
  assert.match(await stylesheet.text(), new RegExp(`^${STYLESHEET_MARK.replaceAll('*', '\\*')}`))

  // Issue #14: the dependencies `keyward start` runs are in the bundle, not loaded file by file from node_modules.
  await server.close()
  const loaded = readFileSync(log, 'utf8').split('\n')
  assert.ok(loaded.includes('node:http'), 'the log is complete: built-ins are in it')
  assert.deepEqual(
    loaded.filter((url) => !url.startsWith(pathToFileURL(outdir).href) && url.includes('/node_modules/')),
    [],
  )
})
