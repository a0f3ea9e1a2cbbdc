import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { test } from 'node:test'
import { freePort } from '../support/server.ts'
import { cliHome, runCli } from './run.ts'

function listen(port: number): Promise<Server> {
  const server = createServer()
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))

test('start --demo with a demo port taken: a plain message, exit 1, and the server port let go', async () => {
  const home = cliHome()
  const port = await freePort()
  const blocker = await listen(port + 1)
  try {
    const result = await runCli(['start', '--demo'], {
      ...home.env,
      KEYWARD_PORT: String(port),
      KEYWARD_LOG_LEVEL: 'silent',
    })
    assert.equal(result.code, 1)
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port + 1} is already in use`))
    assert.match(result.stderr, /KEYWARD_PORT/)
    assert.doesNotMatch(result.stderr, /at Server\./, 'no stack trace for a mistake the user can fix')
    // The server itself was closed, not left running without its demo.
    await close(await listen(port))
  } finally {
    await close(blocker)
    home.remove()
  }
})
