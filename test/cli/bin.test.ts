import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { KEYWARD_NODE_FLAGS } from '../../bench/servers/keyward.ts'

const REPOSITORY = new URL('../../', import.meta.url)

test('the shebang, the npm scripts, the demo and the bench run Keyward with the same Node flags', () => {
  const shebang = readFileSync(new URL('bin/keyward.js', REPOSITORY), 'utf8').split('\n')[0] ?? ''
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)$/.exec(shebang)
  assert.ok(match, `unexpected shebang: ${shebang}`)
  const flags = (match[1] ?? '').trim().split(' ').filter(Boolean)
  assert.ok(flags.length > 0)
  assert.deepEqual([...KEYWARD_NODE_FLAGS], flags)

  const { scripts } = JSON.parse(readFileSync(new URL('package.json', REPOSITORY), 'utf8')) as {
    scripts: Record<string, string>
  }
  assert.equal(scripts.keyward, `node ${flags.join(' ')} bin/keyward.js`)
  // npm start runs the demo, which starts Keyward in its own process.
  assert.equal(scripts.start, `node ${flags.join(' ')} examples/demo/main.ts`)
})
