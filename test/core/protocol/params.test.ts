import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InvalidRequest } from '../../../src/core/errors.ts'
import { MAX_PARAMETER_LENGTH, readParameters, required } from '../../../src/core/protocol/params.ts'

const read = (query: string) => readParameters(new URLSearchParams(query))

describe('readParameters', () => {
  test('reads each parameter once, decoding form-urlencoding', () => {
    const params = read('grant_type=authorization_code&state=a+b%20c%26d&scope=read')
    assert.deepEqual(Object.fromEntries(params), {
      grant_type: 'authorization_code',
      state: 'a b c&d',
      scope: 'read',
    })
  })

  test('RFC 6749 §3.1: a parameter sent without a value is treated as omitted', () => {
    const params = read('scope=&state=x&prompt')
    assert.equal(params.has('scope'), false)
    assert.equal(params.has('prompt'), false)
    assert.equal(params.get('state'), 'x')
  })

  test('RFC 6749 §3.2: a repeated parameter is invalid_request, even when one of them is empty', () => {
    for (const query of ['scope=read&scope=write', 'scope=read&scope=read', 'scope=&scope=read']) {
      assert.throws(
        () => read(query),
        (error) => {
          assert.ok(error instanceof InvalidRequest)
          assert.equal(error.code, 'invalid_request')
          assert.match(error.description, /scope was sent more than once/)
          return true
        },
      )
    }
  })

  test('a value at the length limit is read; one character more is invalid_request', () => {
    assert.equal(read(`code=${'a'.repeat(MAX_PARAMETER_LENGTH)}`).get('code')?.length, MAX_PARAMETER_LENGTH)
    assert.throws(() => read(`code=${'a'.repeat(MAX_PARAMETER_LENGTH + 1)}`), InvalidRequest)
  })

  test('a parameter name that is not a plain identifier is never echoed into the error description', () => {
    const name = '<script>alert(1)</script>'
    const query = `${encodeURIComponent(name)}=1&${encodeURIComponent(name)}=2`
    assert.throws(
      () => read(query),
      (error) => {
        assert.ok(error instanceof InvalidRequest)
        assert.ok(!error.description.includes('<'))
        assert.match(error.description, /\(unnamed\)/)
        return true
      },
    )
  })
})

describe('required', () => {
  test('returns the value, or invalid_request naming the missing parameter', () => {
    const params = read('code=abc')
    assert.equal(required(params, 'code'), 'abc')
    assert.throws(
      () => required(params, 'grant_type'),
      (error) => {
        assert.ok(error instanceof InvalidRequest)
        assert.match(error.description, /grant_type/)
        return true
      },
    )
  })
})
