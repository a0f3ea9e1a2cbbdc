import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { hashPassword, verifyPassword } from '../../../src/core/protocol/password.ts'

describe('passwords (argon2id)', () => {
  test('hashes with argon2id at the OWASP baseline parameters and a random salt', async () => {
    const first = await hashPassword('correct horse battery staple')
    const second = await hashPassword('correct horse battery staple')
    assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    assert.notEqual(first, second)
    assert.ok(!first.includes('correct horse'))
  })

  test('verifies the right password, including non-ASCII ones, and refuses a wrong one', async () => {
    const hash = await hashPassword('Grüße, 世界! 🔑')
    assert.equal(await verifyPassword('Grüße, 世界! 🔑', hash), true)
    assert.equal(await verifyPassword('Grusse, 世界! 🔑', hash), false)
    assert.equal(await verifyPassword('', hash), false)
  })

  test('an unknown user (no hash) never verifies, whatever the password', async () => {
    assert.equal(await verifyPassword('correct horse battery staple', null), false)
    assert.equal(await verifyPassword('', null), false)
  })

  test('a corrupt stored hash is a failed login, not an exception', async () => {
    assert.equal(await verifyPassword('anything', 'not-a-phc-string'), false)
    assert.equal(await verifyPassword('anything', '$argon2id$v=19$m=19456,t=2,p=1$broken'), false)
  })
})
