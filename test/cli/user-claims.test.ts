import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type CliHome, cliHome, jsonOf, runCli } from '../support/cli.ts'

// OpenID Connect Core §5.1: the claims of people, set by an operator.
describe('keyward users: OpenID Connect claims', () => {
  let home: CliHome
  before(() => {
    home = cliHome()
  })
  after(() => home.remove())

  const cli = (...argv: string[]) => runCli(argv, home.env)
  const storedClaims = (username: string) =>
    JSON.parse(String(home.rows('users').find((row) => row.username === username)?.claims)) as Record<
      string,
      unknown
    >

  test('create sets claims from options, update changes and removes them', async () => {
    const created = await cli(
      'users',
      'create',
      'ada',
      '--password',
      'correct horse',
      '--name',
      'Ada Lovelace',
      '--given-name',
      'Ada',
      '--email',
      'ada@example.org',
      '--email-verified',
      'true',
      '--locality',
      'London',
      '--country',
      'GB',
    )
    assert.equal(created.code, 0, created.stderr)
    const claims = storedClaims('ada')
    assert.equal(claims.name, 'Ada Lovelace')
    assert.equal(claims.given_name, 'Ada')
    assert.equal(claims.email_verified, true)
    assert.deepEqual(claims.address, { locality: 'London', country: 'GB' })
    assert.equal(typeof claims.updated_at, 'number')

    const updated = jsonOf<Record<string, unknown>>(
      await cli('users', 'update', 'ada', '--given-name', '', '--phone-number', '+44 20 7946 0000', '--json'),
    )
    assert.equal(updated.given_name, undefined)
    assert.equal(updated.phone_number, '+44 20 7946 0000')
    assert.deepEqual(storedClaims('ada'), updated)
  })

  test('a malformed value is refused with the rule, and nothing changes', async () => {
    await cli('users', 'create', 'bea', '--password', 'correct horse')
    for (const [flag, value, rule] of [
      ['--email', 'not-an-address', /email is an address/],
      ['--email-verified', 'yes', /true or false/],
      ['--picture', 'javascript:alert(1)', /http\(s\) URL/],
    ] as const) {
      const result = await cli('users', 'update', 'bea', flag, value)
      assert.equal(result.code, 1, flag)
      assert.match(result.stderr, rule)
    }
    assert.deepEqual(storedClaims('bea'), {})
    assert.equal((await cli('users', 'update', 'nobody', '--name', 'N')).code, 1)
  })
})
