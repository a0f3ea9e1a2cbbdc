import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { KEYWARD_NODE_FLAGS } from '../../bench/servers/keyward.ts'

const REPOSITORY = new URL('../../', import.meta.url)

test('the shebang, the npm scripts and the bench run Keyward with the same Node flags', () => {
  const shebang = readFileSync(new URL('bin/keyward.js', REPOSITORY), 'utf8').split('\n')[0] ?? ''
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)$/.exec(shebang)
  assert.ok(match, `unexpected shebang: ${shebang}`)
  const flags = (match[1] ?? '').trim().split(' ').filter(Boolean)
  assert.ok(flags.length > 0)
  assert.deepEqual([...KEYWARD_NODE_FLAGS], flags)

  const { scripts } = JSON.parse(readFileSync(new URL('package.json', REPOSITORY), 'utf8')) as {
    scripts: Record<string, string>
  }
  const invocation = `node ${flags.join(' ')} bin/keyward.js`
  assert.ok(scripts.start?.startsWith(`${invocation} `), `npm start: ${scripts.start}`)
  assert.equal(scripts.keyward, invocation)
})
