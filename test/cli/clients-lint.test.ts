import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { cliHome, clientsCreate, jsonOf, runCli } from '../support/cli.ts'

interface LintFinding {
  readonly id: string
  readonly severity: string
  readonly message: string
  readonly fix: string
  readonly clientId?: string
}

const WEEK = String(7 * 24 * 60 * 60)
const webApp = { kind: 'web', 'redirect-uris': 'https://app.example/callback' } as const

describe('keyward clients create refuses what keyward lint calls an error', () => {
  const home = cliHome()
  after(() => home.remove())
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('a week-long access token is refused in lint’s words, and --force creates it anyway', async () => {
    const refused = await cli(...clientsCreate('Week tokens', { ...webApp, 'access-token-ttl': WEEK }))
    assert.equal(refused.code, 1)
    assert.equal(refused.stdout, '')
    assert.deepEqual(jsonOf<unknown[]>(await cli('clients', 'list', '--json')), [], 'nothing stored')

    const forced = await cli(
      ...clientsCreate('Week tokens', { ...webApp, 'access-token-ttl': WEEK, force: true }),
    )
    assert.equal(forced.code, 0, forced.stderr)
    const lint = await cli('lint', '--json')
    assert.equal(lint.code, 1, 'lint fails on what --force accepted')
    const errors = (JSON.parse(lint.stdout) as LintFinding[]).filter(
      (finding) => finding.severity === 'error',
    )
    assert.equal(errors.length, 1)
    const [error] = errors as [LintFinding]
    assert.equal(error.id, 'access-token-lifetime-long')

    // The refusal said exactly what lint says: its rule, message and fix; then how to go on.
    assert.equal(
      refused.stderr,
      [
        'The client was not created:',
        `  - error ${error.id}: ${error.message}`,
        `    fix: ${error.fix}`,
        'Change the settings as `keyward lint` says, or pass --force to create the client anyway.',
        '',
      ].join('\n'),
    )
    assert.ok(
      forced.stderr.includes(`Warning: ${error.message}\n  ${error.fix}`),
      'the accepted error is said',
    )
  })

  test('--force does not override what makes the registration itself wrong', async () => {
    const refused = await cli(
      ...clientsCreate('Unknown scope', {
        ...webApp,
        scopes: 'admin',
        'access-token-ttl': WEEK,
        force: true,
      }),
    )
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /^The client was not created:\n {2}- The scope admin is not defined/)
    assert.doesNotMatch(refused.stderr, /access-token-lifetime-long/, 'the lint error was accepted')
  })

  test('a client created with --force may still change its logout settings, not gain a new error', async () => {
    const { client_id: id } = jsonOf<{ client_id: string }>(
      await cli(
        ...clientsCreate('Forced, then updated', {
          ...webApp,
          'access-token-ttl': WEEK,
          force: true,
          json: true,
        }),
      ),
    )
    const updated = await cli(
      'clients',
      'update',
      id,
      '--post-logout-redirect-uris',
      'https://app.example/bye',
    )
    assert.equal(updated.code, 0, 'the error accepted at creation does not refuse a change')
    const refused = await cli(
      'clients',
      'update',
      id,
      '--post-logout-redirect-uris',
      'http://app.example/bye',
    )
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /post-logout redirect URI/i)
    assert.doesNotMatch(refused.stderr, /lifetime/, 'only what the change brings is said')
  })

  test('a lifetime of 0 says which values are allowed', async () => {
    const refused = await cli(...clientsCreate('Zero', { ...webApp, 'refresh-idle-ttl': '0' }))
    assert.equal(refused.code, 1)
    assert.equal(
      refused.stderr,
      `--refresh-idle-ttl takes a whole number of seconds, 1 or more (not "0"); to use the server's default, leave it out.\n`,
    )
  })
})
