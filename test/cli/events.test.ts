import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertNoneLogged, assertOneEvent, type LoggedEvent, securityEvents } from '../support/events.ts'
import { grantTokens } from '../support/flow.ts'
import { type CliResult, jsonOf, runCli, serverAtHome, clientsCreate } from '../support/cli.ts'

/**
 * Admin changes are security events too. The CLI is its own process: it writes them to stderr as the same JSON
 * lines the server logs, so that the operator's log collector sees them, and stdout stays the command's output.
 */
const { home, server } = await serverAtHome()

describe('keyward commands log their security events on stderr', () => {
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
      ...clientsCreate('Audited', { kind: 'web', 'redirect-uris': 'https://audited.example/cb', json: true }),
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

  test('set-password, sessions revoke and grants revoke name the user, grants and clients', async () => {
    const user = await server.user()
    const app = await server.client({ name: 'Photo app' })
    await grantTokens(server, app, user)
    const [grant] = await server.core.stores.grants.listByUser(user.id)
    assert.ok(grant)

    const password = 'an operator-chosen password'
    const changed = await cli('users', 'set-password', user.username, '--password', password)
    const events = eventsOf(changed)
    const ids = { userId: user.id }
    assertOneEvent(events, { event: 'password_changed', ...ids })
    assertOneEvent(events, { event: 'sessions_revoked', ...ids, reason: 'password_changed' })
    assertOneEvent(events, {
      event: 'grant_revoked',
      ...ids,
      clientId: app.client.id,
      grantId: grant.id,
      reason: 'password_changed',
    })
    assert.equal(events.length, 3)
    assertNoneLogged(changed.stderr, new Map([['new password', password]]))

    const ended = await cli('users', 'sessions', 'revoke', user.username)
    assertOneEvent(eventsOf(ended), { event: 'sessions_revoked', ...ids, reason: 'operator' })
    assert.equal(eventsOf(await cli('users', 'sessions', 'list', user.username, '--json')).length, 0)

    await grantTokens(server, app, { username: user.username, password })
    const second = (await server.core.stores.grants.listByUser(user.id)).find((one) => one.revokedAt === null)
    assert.ok(second)
    const revoked = await cli('grants', 'revoke', second.id, '--forget-consent')
    const revokedEvents = eventsOf(revoked)
    const owner = { ...ids, clientId: app.client.id }
    assertOneEvent(revokedEvents, {
      event: 'grant_revoked',
      ...owner,
      grantId: second.id,
      reason: 'operator',
    })
    assertOneEvent(revokedEvents, { event: 'consent_revoked', ...owner, reason: 'operator' })
    assert.equal(revokedEvents.length, 2)
  })

  test('users unlock names the user', async () => {
    const user = await server.user()
    const unlocked = await cli('users', 'unlock', user.username)
    assertOneEvent(eventsOf(unlocked), { event: 'user_unlocked', userId: user.id, reason: 'operator' })
  })

  test('users update names the user whose claims changed, and a change to nothing is no event', async () => {
    const user = await server.user()
    const updated = await cli('users', 'update', user.username, '--name', 'Grace Hopper')
    assertOneEvent(eventsOf(updated), { event: 'user_updated', userId: user.id })
    assert.equal(eventsOf(updated).length, 1)
    const again = await cli('users', 'update', user.username, '--name', 'Grace Hopper')
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(eventsOf(again), [])
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
