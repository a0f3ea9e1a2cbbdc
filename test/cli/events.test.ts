import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertNoneLogged, assertOneEvent, type LoggedEvent, securityEvents } from '../support/events.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { type CliHome, type CliResult, cliHome, jsonOf, runCli, TEST_SECRET } from './run.ts'

/**
 * Admin changes are security events too. The CLI is its own process: it writes them to stderr as the same JSON
 * lines the server logs, so that the operator's log collector sees them, and stdout stays the command's output.
 */
describe('keyward commands log their security events on stderr', () => {
  let home: CliHome
  let server: TestServer
  before(async () => {
    home = cliHome()
    server = await startTestServer({ databaseUrl: home.url, secret: TEST_SECRET })
  })
  after(async () => {
    await server.close()
    home.remove()
  })

  const cli = (...argv: string[]) => runCli(argv, home.env)

  /** The events of one command: stderr holds nothing but them (as JSON lines), each named by the CLI. */
  function eventsOf(result: CliResult): LoggedEvent[] {
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stderr.split('\n').filter(Boolean)
    const events = securityEvents(lines)
    assert.equal(events.length, lines.length, `stderr is events only: ${result.stderr}`)
    for (const event of events) assert.equal(event.name, 'keyward-cli')
    return events
  }

  test('clients create, rotate-secret and delete: --json stays parseable, the secret stays out', async () => {
    const created = await cli(
      'clients',
      'create',
      '--name',
      'Audited',
      '--kind',
      'web',
      '--redirect-uris',
      'https://audited.example/cb',
      '--json',
    )
    const client = jsonOf<{ client_id: string; client_secret: string }>(created)
    const clientId = client.client_id
    assertOneEvent(eventsOf(created), { event: 'client_created', clientId })

    const rotated = await cli('clients', 'rotate-secret', clientId, '--json')
    const secret = jsonOf<{ client_secret: string }>(rotated).client_secret
    assertOneEvent(eventsOf(rotated), { event: 'client_secret_rotated', clientId })

    const deleted = await cli('clients', 'delete', clientId)
    assertOneEvent(eventsOf(deleted), { event: 'client_deleted', clientId })

    const secrets = new Map([
      ['first client secret', client.client_secret],
      ['rotated client secret', secret],
    ])
    assertNoneLogged(created.stderr + rotated.stderr + deleted.stderr, secrets)
    assert.equal(eventsOf(created).length + eventsOf(rotated).length + eventsOf(deleted).length, 3)
  })

  test('keys rotate names the new key', async () => {
    const rotated = await cli('keys', 'rotate')
    const kid = /New signing key (\S+)/.exec(rotated.stdout)?.[1] ?? ''
    assert.ok(kid)
    assertOneEvent(eventsOf(rotated), { event: 'signing_key_rotated', keyId: kid, reason: 'operator' })
  })

  test('reading commands log nothing, and KEYWARD_LOG_LEVEL=warn silences the informational events', async () => {
    for (const argv of [
      ['clients', 'list', '--json'],
      ['users', 'list', '--json'],
      ['keys', 'list', '--json'],
    ]) {
      const result = await cli(...argv)
      jsonOf(result)
      assert.equal(result.stderr, '')
    }
    const quiet = await runCli(['keys', 'rotate'], { ...home.env, KEYWARD_LOG_LEVEL: 'warn' })
    assert.equal(quiet.code, 0)
    assert.equal(quiet.stderr, '')
  })
})
