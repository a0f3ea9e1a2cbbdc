import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import type { ConfigError } from '../../src/core/config.ts'
import { TEST_SECRET } from '../support/fixtures.ts'

const env = {
  KEYWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/keyward_never_opened',
  KEYWARD_SECRET: TEST_SECRET,
}

describe('PostgreSQL timeouts and pool size from the environment', () => {
  test('a few seconds each by default; each variable sets its own, in milliseconds', () => {
    assert.deepEqual(loadConfig(env).database, {
      connectTimeoutMs: 5000,
      statementTimeoutMs: 5000,
      acquireTimeoutMs: 5000,
      poolSize: 10,
      preparedStatements: true,
    })
    const config = loadConfig({
      ...env,
      KEYWARD_DATABASE_CONNECT_TIMEOUT_MS: '2000',
      KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS: '1500',
      KEYWARD_DATABASE_ACQUIRE_TIMEOUT_MS: '3000',
    })
    assert.deepEqual(config.database, {
      connectTimeoutMs: 2000,
      statementTimeoutMs: 1500,
      acquireTimeoutMs: 3000,
      poolSize: 10,
      preparedStatements: true,
    })
  })

  test('KEYWARD_DATABASE_POOL_SIZE sets the pool; 10 by default, 1 to 1000 accepted', () => {
    assert.equal(loadConfig({ ...env, KEYWARD_DATABASE_POOL_SIZE: '25' }).database.poolSize, 25)
    assert.equal(loadConfig({ ...env, KEYWARD_DATABASE_POOL_SIZE: '1' }).database.poolSize, 1)
    for (const [value, why] of [
      ['0', /KEYWARD_DATABASE_POOL_SIZE: the pool needs at least one connection/],
      ['1001', /KEYWARD_DATABASE_POOL_SIZE: at most 1000 connections per process/],
      ['ten', /KEYWARD_DATABASE_POOL_SIZE: "ten" is not a whole number/],
      ['2.5', /KEYWARD_DATABASE_POOL_SIZE: "2.5" is not a whole number/],
    ] as const) {
      assert.throws(
        () => loadConfig({ ...env, KEYWARD_DATABASE_POOL_SIZE: value }),
        (error: ConfigError) => error.problems.some((problem) => why.test(problem)),
        value,
      )
    }
  })

  test('a value that is not a whole number, or too small to be meant as milliseconds, is refused', () => {
    assert.throws(
      () => loadConfig({ ...env, KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS: '2s' }),
      (error: ConfigError) =>
        error.problems.some((problem) => /KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS/.test(problem)),
    )
    assert.throws(
      () => loadConfig({ ...env, KEYWARD_DATABASE_CONNECT_TIMEOUT_MS: '5' }),
      (error: ConfigError) =>
        error.problems.some((problem) => /^KEYWARD_DATABASE_CONNECT_TIMEOUT_MS: /.test(problem)),
    )
  })

  test('KEYWARD_DATABASE_PREPARED_STATEMENTS turns named statements off for a pooler that cannot carry them', () => {
    const prepared = (value: string) =>
      loadConfig({ ...env, KEYWARD_DATABASE_PREPARED_STATEMENTS: value }).database.preparedStatements
    assert.equal(prepared('false'), false)
    assert.equal(prepared('no'), false)
    assert.equal(prepared('true'), true)
    assert.throws(
      () => prepared('sometimes'),
      (error: ConfigError) =>
        error.problems.some((problem) =>
          /KEYWARD_DATABASE_PREPARED_STATEMENTS: "sometimes" is not true or false/.test(problem),
        ),
    )
  })
})
