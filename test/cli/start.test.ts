import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { buildProgram } from '../../src/cli/main.ts'
import { cliHome, runCli } from '../support/cli.ts'
import { close, listen } from '../support/ports.ts'

test('start on a port in use: a plain message naming KEYWARD_PORT and exit 1', async () => {
  const home = cliHome()
  // A port this test holds: nobody else can free it while Keyward tries it.
  const blocker = await listen(0)
  try {
    const { port } = blocker.address() as AddressInfo
    const result = await runCli(['start'], {
      ...home.env,
      KEYWARD_PORT: String(port),
      KEYWARD_LOG_LEVEL: 'silent',
    })
    assert.equal(result.code, 1)
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`))
    assert.match(result.stderr, /KEYWARD_PORT/)
    assert.doesNotMatch(result.stderr, /at Server\./, 'no stack trace for a mistake the user can fix')
  } finally {
    await close(blocker)
    home.remove()
  }
})

test('start --demo says the demo runs from the repository, and starts nothing', async () => {
  const home = cliHome()
  // Held and let go again: were anything started, this port would be taken afterwards.
  const probe = await listen(0)
  const { port } = probe.address() as AddressInfo
  await close(probe)
  try {
    const result = await runCli(['start', '--demo'], { ...home.env, KEYWARD_PORT: String(port) })
    assert.equal(result.code, 1)
    assert.match(result.stderr, /The demo runs from a checkout of the Keyward repository: `npm start` there/)
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
    await close(await listen(port))
    const start = (await buildProgram(home.env, ['start'])).commands.find(
      (command) => command.name() === 'start',
    )
    assert.doesNotMatch(start?.helpInformation() ?? '', /--demo/, 'not offered in the help')
  } finally {
    home.remove()
  }
})
