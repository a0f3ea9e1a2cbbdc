import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InvalidRequest } from '../../../src/core/errors.ts'
import { idTokenClaimNames, parseClaimsRequest } from '../../../src/core/oidc/claims-request.ts'

const parse = (value: unknown) => parseClaimsRequest(JSON.stringify(value))

describe('the claims request parameter (OpenID Connect Core §5.5)', () => {
  test('reads the standard claims asked for the ID token and a requested sub', () => {
    assert.equal(parseClaimsRequest(undefined), null)
    assert.deepEqual(
      parse({
        userinfo: { email: { essential: true }, nickname: null },
        id_token: {
          name: null,
          email: { essential: true },
          auth_time: { essential: true },
          'https://example.com/custom': null,
          sub: { value: 'pairwise-sub' },
        },
        unknown_member: { anything: 1 },
      }),
      { idToken: ['name', 'email'], subject: 'pairwise-sub' },
    )
    assert.deepEqual(parse({}), { idToken: [], subject: null })
  })

  test('anything malformed is invalid_request, with what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      ['[1,2]', /must be a JSON object/],
      ['"id_token"', /must be a JSON object/],
      [JSON.stringify({ id_token: ['email'] }), /claims\.id_token must be a JSON object/],
      [JSON.stringify({ userinfo: 'email' }), /claims\.userinfo must be a JSON object/],
      [
        JSON.stringify({ id_token: { email: true } }),
        /claims\.id_token\.email must be null or a JSON object/,
      ],
      [JSON.stringify({ userinfo: { email: { essential: 'yes' } } }), /essential must be true or false/],
      [JSON.stringify({ id_token: { email: { values: 'a' } } }), /values must be a JSON array/],
      [JSON.stringify({ id_token: { sub: { value: 42 } } }), /sub\.value must be a string/],
    ]
    for (const [value, message] of cases) {
      assert.throws(
        () => parseClaimsRequest(value),
        (error) => error instanceof InvalidRequest && message.test(error.description ?? ''),
        value,
      )
    }
  })

  test('only claims a granted scope releases go into the ID token (Core §5.4)', () => {
    const request = parse({ id_token: { name: null, email: null, phone_number: { essential: true } } })
    assert.deepEqual(idTokenClaimNames(request, ['openid', 'profile', 'email']), ['name', 'email'])
    assert.deepEqual(idTokenClaimNames(request, ['openid']), [])
    assert.deepEqual(idTokenClaimNames(null, ['openid', 'profile']), [])
  })
})
