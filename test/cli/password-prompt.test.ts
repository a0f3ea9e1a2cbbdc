import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { after, describe, test } from 'node:test'
import { UsageError } from '../../src/cli/context.ts'
import { askSecret } from '../../src/cli/prompt.ts'
import { verifyPassword } from '../../src/core/protocol/password.ts'
import { cliHome, jsonOf, spawnCli } from '../support/cli.ts'

const BIN = fileURLToPath(new URL('../../bin/keyward.js', import.meta.url))
const PASSWORD = 'correct horse battery staple'

/** A fake terminal: what the person types, and everything written back to them. */
function terminal() {
  const input = new PassThrough()
  const output = new PassThrough()
  let shown = ''
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()))
  return { input, output, shown: () => shown }
}

describe('askSecret', () => {
  test('shows the question, never what is typed, and answers the line', async () => {
    const { input, output, shown } = terminal()
    const answer = askSecret('Password: ', input, output)
    input.write(`${PASSWORD}\r`)
    assert.equal(await answer, PASSWORD)
    assert.equal(shown(), 'Password: \n')
  })

  test('Ctrl+C cancels instead of being swallowed', async () => {
    const { input, output } = terminal()
    const answer = askSecret('Password: ', input, output)
    input.write('half-typed\x03')
    await assert.rejects(answer, (error) => error instanceof UsageError && error.message === 'Cancelled.')
  })
})

describe('keyward users create', () => {
  const home = cliHome()
  after(() => home.remove())
  const storedHash = (username: string) =>
    String(home.rows('users').find((row) => row.username === username)?.password_hash)

  test('reads the password from a pipe', async () => {
    const created = await spawnCli(['users', 'create', 'piped', '--json'], home.env, {
      input: `${PASSWORD}\n`,
    })
    assert.equal(created.code, 0, created.stderr)
    assert.equal(jsonOf<{ username: string }>(created).username, 'piped')
    assert.equal(await verifyPassword(PASSWORD, storedHash('piped')), true, 'the line, without its newline')
  })

  test('in a terminal asks for the password twice, without echo', async () => {
    // `script` gives the CLI a pseudo-terminal; what it shows comes back on script's stdout.
    const child = spawn(
      'script',
      ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} users create alice`, '/dev/null'],
      { env: { PATH: process.env.PATH ?? '', ...home.env }, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    let shown = ''
    const waiters: { text: string; resolve: () => void }[] = []
    child.stdout.on('data', (chunk: Buffer) => {
      shown += chunk.toString()
      for (const waiter of waiters.filter(({ text }) => shown.includes(text))) waiter.resolve()
    })
    const shows = (text: string) =>
      new Promise<void>((resolve) => (shown.includes(text) ? resolve() : waiters.push({ text, resolve })))
    const ended = once(child, 'close')

    await shows('New password for alice: ')
    child.stdin.write(`${PASSWORD}\r`)
    await shows('The same password again: ')
    child.stdin.write(`${PASSWORD}\r`)
    await shows('Created user alice')
    child.stdin.end()
    const [code] = (await ended) as [number]
    assert.equal(code, 0, shown)
    assert.ok(!shown.includes('horse'), `the password was shown:\n${shown}`)
    assert.equal(await verifyPassword(PASSWORD, storedHash('alice')), true)
  })
})
