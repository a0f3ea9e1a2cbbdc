import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import type { ConfigError } from '../../src/core/config.ts'
import { TEST_SECRET } from '../support/fixtures.ts'

const env = {
  KEYWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/keyward_never_opened',
  KEYWARD_SECRET: TEST_SECRET,
}

describe('the claims of ID tokens from the environment', () => {
  test("the scopes' claims by default; KEYWARD_ID_TOKEN_CLAIMS=minimal keeps them at UserInfo", () => {
    assert.equal(loadConfig(env).openid.idTokenClaims, 'scopes')
    assert.equal(loadConfig({ ...env, KEYWARD_ID_TOKEN_CLAIMS: 'minimal' }).openid.idTokenClaims, 'minimal')
  })

  test('another value is refused, naming the variable', () => {
    assert.throws(
      () => loadConfig({ ...env, KEYWARD_ID_TOKEN_CLAIMS: 'none' }),
      (error: ConfigError) =>
        error.problems.some((problem) => /^KEYWARD_ID_TOKEN_CLAIMS: Invalid option/.test(problem)),
    )
  })
})
