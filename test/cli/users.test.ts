import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { verifyPassword } from '../../src/core/protocol/password.ts'
import { cliHome, jsonOf, runCli } from '../support/cli.ts'

interface UserRow {
  readonly id: string
  readonly username: string
}

describe('keyward users', () => {
  const home = cliHome()
  after(() => home.remove())

  const cli = (...argv: string[]) => runCli(argv, home.env)
  const storedHash = (username: string) =>
    String(home.rows('users').find((row) => row.username === username)?.password_hash)

  test('create takes the password from --password and keeps only an argon2id hash', async () => {
    const created = jsonOf<UserRow>(
      await cli('users', 'create', 'alice', '--password', 'correct horse', '--json'),
    )
    assert.equal(created.username, 'alice')
    const hash = storedHash('alice')
    assert.match(hash, /^\$argon2id\$/)
    assert.equal(await verifyPassword('correct horse', hash), true)

    const again = await cli('users', 'create', 'alice', '--password', 'another password')
    assert.equal(again.code, 1)
    assert.match(again.stderr, /alice exists already/)
  })

  test('a password shorter than 8 characters is refused with the rule', async () => {
    const result = await cli('users', 'create', 'bob', '--password', 'short')
    assert.equal(result.code, 1)
    assert.match(result.stderr, /at least 8 characters/)
    assert.equal(
      home.rows('users').some((row) => row.username === 'bob'),
      false,
    )
  })

  test('list shows every user', async () => {
    for (const name of ['dora', 'erin']) await cli('users', 'create', name, '--password', `${name} password`)
    const listed = jsonOf<UserRow[]>(await cli('users', 'list', '--json')).map((user) => user.username)
    assert.ok(listed.includes('dora') && listed.includes('erin'), listed.join())
    assert.match((await cli('users', 'list')).stdout, /\S+ {2}erin/)
  })

  test('set-password replaces the password', async () => {
    await cli('users', 'create', 'carol', '--password', 'carol password')
    const result = await cli('users', 'set-password', 'carol', '--password', 'a brand new one')
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await verifyPassword('a brand new one', storedHash('carol')), true)
    assert.equal(await verifyPassword('carol password', storedHash('carol')), false)

    const tooShort = await cli('users', 'set-password', 'carol', '--password', 'short')
    assert.equal(tooShort.code, 1)
    assert.equal(await verifyPassword('a brand new one', storedHash('carol')), true)
    const unknown = await cli('users', 'set-password', 'nobody', '--password', 'long enough')
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /No user nobody/)
  })

  test('delete removes the user; deleting again is an error', async () => {
    await cli('users', 'create', 'frank', '--password', 'frank password')
    const result = await cli('users', 'delete', 'frank')
    assert.equal(result.code, 0, result.stderr)
    const listed = jsonOf<UserRow[]>(await cli('users', 'list', '--json'))
    assert.equal(
      listed.some((user) => user.username === 'frank'),
      false,
    )
    const again = await cli('users', 'delete', 'frank')
    assert.equal(again.code, 1)
    assert.match(again.stderr, /No user frank/)
  })
})
