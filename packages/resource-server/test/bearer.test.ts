import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearerToken } from '../src/bearer.ts'
import { challenge } from '../src/challenge.ts'
import { InsufficientScopeError, InvalidRequestError, InvalidTokenError } from '../src/index.ts'

test('RFC 6750 §2.1: the token comes from Authorization: Bearer, scheme case-insensitive', () => {
  assert.equal(bearerToken('Bearer abc.DEF-_~+/==', '/'), 'abc.DEF-_~+/==')
  assert.equal(bearerToken('bearer  xyz', '/orders'), 'xyz')
})

test('no header, or another scheme, is no credentials (RFC 6750 §3.1)', () => {
  assert.equal(bearerToken(undefined, '/'), undefined)
  assert.equal(bearerToken('Basic dXNlcjpwYXNz', '/'), undefined)
  assert.equal(bearerToken('BearerToken abc', '/'), undefined)
})

test('a malformed Bearer credential is invalid_request', () => {
  for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a"b', 'Bearer =abc']) {
    assert.throws(() => bearerToken(header, '/'), InvalidRequestError, header)
  }
})

test('RFC 6750 §2.3: a token in the query string is refused, with or without a header', () => {
  assert.throws(() => bearerToken(undefined, '/orders?access_token=abc'), /not accepted in the query string/)
  assert.throws(() => bearerToken('Bearer abc', '/orders?page=1&access_token=abc'), InvalidRequestError)
  assert.equal(bearerToken('Bearer abc', '/orders?page=1'), 'abc')
})

test('challenges carry realm, error, description and scope with nothing that breaks the quoting', () => {
  assert.deepEqual(challenge('api "x"'), {
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="api x"' },
    body: '',
  })
  const invalid = challenge('api', new InvalidTokenError('bad "quote" \\ and\nnewline'))
  assert.equal(invalid.status, 401)
  assert.equal(
    invalid.headers['www-authenticate'],
    'Bearer realm="api", error="invalid_token", error_description="bad quote  andnewline"',
  )
  assert.deepEqual(JSON.parse(invalid.body), {
    error: 'invalid_token',
    error_description: 'bad "quote" \\ and\nnewline',
  })
  const scope = challenge('api', new InsufficientScopeError('orders:read orders:write'))
  assert.equal(scope.status, 403)
  assert.match(
    scope.headers['www-authenticate']!,
    /error="insufficient_scope", .*, scope="orders:read orders:write"$/,
  )
})
