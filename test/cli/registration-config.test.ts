import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import type { ConfigError } from '../../src/core/config.ts'
import { TEST_SECRET } from '../support/fixtures.ts'

const env = {
  KEYWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/keyward_never_opened',
  KEYWARD_SECRET: TEST_SECRET,
}

describe('the registration policy from the environment', () => {
  const directory = mkdtempSync(join(tmpdir(), 'keyward-registration-config-'))
  after(() => rmSync(directory, { recursive: true, force: true }))

  test('off by default: no client registers itself unless the operator says so', () => {
    assert.deepEqual(loadConfig(env).registration, {
      policy: 'off',
      unusedClientLifetime: 7 * 86_400,
      perAddressPerHour: 20,
    })
  })

  test('each variable sets its own setting', () => {
    const config = loadConfig({
      ...env,
      KEYWARD_REGISTRATION_POLICY: 'token',
      KEYWARD_REGISTRATION_UNUSED_CLIENT_LIFETIME: '3600',
      KEYWARD_REGISTRATION_PER_ADDRESS_PER_HOUR: '5',
    })
    assert.deepEqual(config.registration, {
      policy: 'token',
      unusedClientLifetime: 3600,
      perAddressPerHour: 5,
    })
  })

  test("the policy variable overrides the file's policy and keeps the file's other settings", () => {
    const file = join(directory, 'keyward.json')
    writeFileSync(file, JSON.stringify({ registration: { policy: 'open', unusedClientLifetime: 600 } }))
    const config = loadConfig({ ...env, KEYWARD_CONFIG: file, KEYWARD_REGISTRATION_POLICY: 'token' })
    assert.equal(config.registration.policy, 'token')
    assert.equal(config.registration.unusedClientLifetime, 600)
  })

  test('an unknown policy or a count that is not one is refused, naming the variable', () => {
    assert.throws(
      () => loadConfig({ ...env, KEYWARD_REGISTRATION_POLICY: 'anyone' }),
      (error: ConfigError) =>
        error.problems.some((problem) => /^KEYWARD_REGISTRATION_POLICY: Invalid option/.test(problem)),
    )
    assert.throws(
      () => loadConfig({ ...env, KEYWARD_REGISTRATION_PER_ADDRESS_PER_HOUR: 'lots' }),
      (error: ConfigError) =>
        error.problems.some((problem) => /KEYWARD_REGISTRATION_PER_ADDRESS_PER_HOUR/.test(problem)),
    )
  })
})
