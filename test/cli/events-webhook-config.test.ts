import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import type { ConfigError } from '../../src/core/config.ts'
import { TEST_SECRET } from '../support/fixtures.ts'

const env = {
  KEYWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/keyward_never_opened',
  KEYWARD_SECRET: TEST_SECRET,
}
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`

/** The problems a configuration is refused with. */
function problemsOf(overrides: Record<string, string>): readonly string[] {
  try {
    loadConfig({ ...env, ...overrides })
  } catch (error) {
    return (error as ConfigError).problems
  }
  assert.fail('the configuration was accepted')
}

test('no event webhook unless configured', () => {
  assert.equal(loadConfig(env).events.webhook, undefined)
})

test('KEYWARD_EVENTS_WEBHOOK_URL and _SECRET set the webhook, with bounded retries and queue by default', () => {
  const { webhook } = loadConfig({
    ...env,
    KEYWARD_EVENTS_WEBHOOK_URL: 'https://hooks.example/keyward',
    KEYWARD_EVENTS_WEBHOOK_SECRET: WEBHOOK_SECRET,
  }).events
  assert.deepEqual(webhook, {
    url: 'https://hooks.example/keyward',
    secret: WEBHOOK_SECRET,
    maxAttempts: 5,
    backoffMs: 1000,
    queueSize: 1000,
    concurrency: 4,
    flushTimeoutMs: 5000,
  })
})

test('an http URL, a missing secret or one not in the Standard Webhooks form is refused, by its variable', () => {
  const url = 'https://hooks.example/keyward'
  const refused = [
    problemsOf({
      KEYWARD_EVENTS_WEBHOOK_URL: 'http://hooks.example/',
      KEYWARD_EVENTS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    }),
    problemsOf({ KEYWARD_EVENTS_WEBHOOK_URL: url }),
    problemsOf({
      KEYWARD_EVENTS_WEBHOOK_URL: url,
      KEYWARD_EVENTS_WEBHOOK_SECRET: 'hunter2hunter2hunter2hunter2',
    }),
    problemsOf({ KEYWARD_EVENTS_WEBHOOK_URL: url, KEYWARD_EVENTS_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }),
  ]
  // Each mistake named by the variable the person set.
  assert.match(refused[0]?.join() ?? '', /^KEYWARD_EVENTS_WEBHOOK_URL: .*https/)
  assert.match(refused[1]?.join() ?? '', /^KEYWARD_EVENTS_WEBHOOK_SECRET: /)
  assert.match(refused[2]?.join() ?? '', /^KEYWARD_EVENTS_WEBHOOK_SECRET: .*whsec_/)
  assert.match(refused[3]?.join() ?? '', /^KEYWARD_EVENTS_WEBHOOK_SECRET: .*24 to 64 random bytes/)
})

test('the JSON config sets the webhook; a variable overrides its own setting only; unknown keys are refused', () => {
  const directory = mkdtempSync(join(tmpdir(), 'keyward-webhook-config-'))
  try {
    const file = join(directory, 'keyward.json')
    const webhook = { url: 'https://file.example/hook', secret: WEBHOOK_SECRET, maxAttempts: 2 }
    writeFileSync(file, JSON.stringify({ events: { webhook } }))
    const overridden = loadConfig({
      ...env,
      KEYWARD_CONFIG: file,
      KEYWARD_EVENTS_WEBHOOK_URL: 'https://env.example/hook',
    }).events.webhook
    assert.equal(overridden?.url, 'https://env.example/hook')
    assert.equal(overridden?.secret, WEBHOOK_SECRET)
    assert.equal(overridden?.maxAttempts, 2)

    writeFileSync(file, JSON.stringify({ events: { webhook: { ...webhook, maxAttempt: 3 } } }))
    assert.match(problemsOf({ KEYWARD_CONFIG: file }).join(), /maxAttempt/)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
})
