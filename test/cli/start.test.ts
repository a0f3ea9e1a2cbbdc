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

/** A free port whose next one this test holds: other tests running meanwhile may hold the one after a free port. */
async function portWithNextTaken(): Promise<{ port: number; blocker: Server }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort()
    try {
      return { port, blocker: await listen(port + 1) }
    } catch {
      // port + 1 is someone else's: try another.
    }
  }
  throw new Error('found no free port followed by one this test could take')
}

test('start --demo with a demo port taken: a plain message, exit 1, and the server port let go', async () => {
  const home = cliHome()
  const { port, blocker } = await portWithNextTaken()
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
