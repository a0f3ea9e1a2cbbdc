import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type GrantHandler, parseGrantRequest } from '../../../src/core/grants/grant-handler.ts'

/** A grant that hands back whatever parameters it was given. */
const echo: GrantHandler<Record<string, string>> = {
  grantType: 'urn:example:echo',
  parameters: ['code', 'scope'],
  parse: (params) => Object.fromEntries(params),
  issue: () => Promise.reject(new Error('not issued in this test')),
}

describe('parseGrantRequest', () => {
  test('RFC 6749 §3.2: a grant parses only the parameters it declares; the others are ignored', () => {
    const params = new Map([
      ['grant_type', 'urn:example:echo'],
      ['code', 'abc'],
      ['client_secret', 'not for the grant'],
      ['redirect_uri', 'https://app.example/cb'],
      ['scope', 'read'],
    ])
    assert.deepEqual(parseGrantRequest(echo, params), { code: 'abc', scope: 'read' })
  })

  test('a declared parameter that was not sent stays absent', () => {
    assert.deepEqual(parseGrantRequest(echo, new Map([['code', 'abc']])), { code: 'abc' })
  })
})
