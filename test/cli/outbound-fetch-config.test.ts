import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import type { ConfigError } from '../../src/core/config.ts'
import { TEST_SECRET } from '../support/fixtures.ts'

const env = {
  KEYWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/keyward_never_opened',
  KEYWARD_SECRET: TEST_SECRET,
}

test('outbound fetches reach public addresses only, and metadata document clients are off, by default', () => {
  const config = loadConfig(env)
  assert.equal(config.outboundFetch.allowPrivateAddresses, false)
  assert.equal(config.clientIdMetadataDocuments, 'off')
})

test('the environment opens private addresses for development and sets the metadata document policy', () => {
  const config = loadConfig({
    ...env,
    KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: 'true',
    KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: 'apps.example.com, tools.example.org',
  })
  assert.equal(config.outboundFetch.allowPrivateAddresses, true)
  assert.deepEqual(config.clientIdMetadataDocuments, { allow: ['apps.example.com', 'tools.example.org'] })
  assert.equal(
    loadConfig({ ...env, KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: 'ANY' }).clientIdMetadataDocuments,
    'any',
  )
  assert.throws(
    () => loadConfig({ ...env, KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: 'sometimes' }),
    (error: ConfigError) =>
      error.problems.some((problem) => /KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES/.test(problem)),
  )
  assert.throws(
    () => loadConfig({ ...env, KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: 'https://apps.example.com/' }),
    (error: ConfigError) =>
      error.problems.some((problem) => /^KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: a domain name/.test(problem)),
  )
})
