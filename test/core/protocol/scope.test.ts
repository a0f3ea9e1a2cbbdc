import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InvalidScope } from '../../../src/core/errors.ts'
import { formatScope, isSubset, parseScope, resolveScope } from '../../../src/core/protocol/scope.ts'

describe('parseScope', () => {
  test('absent means no scope requested', () => {
    assert.deepEqual(parseScope(undefined), [])
  })

  test('splits on spaces, ignores runs of spaces and drops duplicates, keeping the order given', () => {
    assert.deepEqual(parseScope('  write  read write profile '), ['write', 'read', 'profile'])
  })

  test('RFC 6749 §3.3: every printable ASCII character but space, " and \\ may appear in a token', () => {
    assert.deepEqual(parseScope('api:read https://api.example/x!#$%&()*+,-./;<=>?@[]^_`{|}~'), [
      'api:read',
      'https://api.example/x!#$%&()*+,-./;<=>?@[]^_`{|}~',
    ])
  })

  test('a forbidden character is invalid_scope', () => {
    for (const bad of ['re"ad', 'read\\', 'lé', 'read\twrite', 'read\nwrite', 'a\u0000b', 'a\u007fb']) {
      assert.throws(() => parseScope(bad), InvalidScope, JSON.stringify(bad))
    }
  })
})

describe('resolveScope', () => {
  const allowed = ['profile', 'read', 'write']

  test('a request for nothing gets the defaults', () => {
    assert.deepEqual(resolveScope([], allowed, ['profile']), ['profile'])
  })

  test('a request for nothing when there are no defaults is invalid_scope', () => {
    assert.throws(() => resolveScope([], allowed, []), InvalidScope)
  })

  test('a subset of what is allowed is granted as asked', () => {
    assert.deepEqual(resolveScope(['write', 'read'], allowed, ['profile']), ['write', 'read'])
  })

  test('anything beyond what is allowed is invalid_scope naming what was refused', () => {
    assert.throws(
      () => resolveScope(['read', 'admin', 'root'], allowed, ['profile']),
      (error) => {
        assert.ok(error instanceof InvalidScope)
        assert.equal(error.code, 'invalid_scope')
        assert.match(error.description, /admin root/)
        assert.doesNotMatch(error.description, /read/)
        return true
      },
    )
  })
})

describe('formatScope and isSubset', () => {
  test('formats with single spaces', () => {
    assert.equal(formatScope(['read', 'write']), 'read write')
    assert.equal(formatScope([]), '')
  })

  test('isSubset is true only when every scope is included', () => {
    assert.equal(isSubset([], ['read']), true)
    assert.equal(isSubset(['read'], ['read', 'write']), true)
    assert.equal(isSubset(['read', 'admin'], ['read', 'write']), false)
  })
})
