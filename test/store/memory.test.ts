import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import { openStores } from '../../src/store/index.ts'
import { createMemoryStores } from '../../src/store/memory/stores.ts'
import { storeBehaviourContract } from './contract.ts'
import * as make from '../support/fixtures.ts'

// The client-cache contract does not apply: these stores are the memory, and no other process shares them.
describe('memory stores', () => {
  storeBehaviourContract(async () => ({ stores: createMemoryStores() }))
})

describe('memory stores, beyond the port', () => {
  test('openStores("memory:") opens empty stores, and each opening its own', async () => {
    const first = await openStores('memory:')
    const second = await openStores('memory:')
    try {
      await first.clients.create(make.client())
      assert.equal((await first.clients.list()).length, 1)
      assert.deepEqual(await second.clients.list(), [])
    } finally {
      await Promise.all([first.close(), second.close()])
    }
  })

  test('the configuration takes memory: as a single node, with a generated secret as on SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-memory-'))
    try {
      const config = loadConfig({ KEYWARD_DATABASE_URL: 'memory:', KEYWARD_DATA_DIR: dir })
      assert.equal(config.databaseUrl, 'memory:')
      assert.ok(config.secret.length >= 32)
      assert.throws(
        () => loadConfig({ KEYWARD_DATABASE_URL: 'memory:x', KEYWARD_SECRET: config.secret }),
        /memory:/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a caller cannot change a stored record through what it wrote or what it read', async () => {
    const stores = createMemoryStores()
    try {
      const client = make.client({ redirectUris: ['https://app.example/cb'] })
      const written = {
        ...client,
        redirectUris: [...client.redirectUris],
        createdAt: new Date(client.createdAt),
      }
      await stores.clients.create(written)
      written.redirectUris.push('https://evil.example/cb')
      written.createdAt.setTime(0)
      const read = await stores.clients.get(client.id)
      ;(read?.redirectUris as string[]).push('https://evil.example/cb')
      assert.deepEqual(await stores.clients.get(client.id), client)
    } finally {
      await stores.close()
    }
  })

  test('a store kept from a finished transaction refuses to be used', async () => {
    const stores = createMemoryStores()
    try {
      const kept = await stores.transaction(async (tx) => tx)
      await assert.rejects(kept.clients.create(make.client()), /transaction has ended/)
      assert.deepEqual(await stores.clients.list(), [])
    } finally {
      await stores.close()
    }
  })

  test('a record must point at records that exist, as the schema requires', async () => {
    const stores = createMemoryStores()
    try {
      const owner = { client: make.client(), user: make.user() }
      await assert.rejects(stores.grants.create(make.grant(owner)), /client .* does not exist/)
      await stores.clients.create(owner.client)
      await assert.rejects(stores.grants.create(make.grant(owner)), /user .* does not exist/)
    } finally {
      await stores.close()
    }
  })

  test('closed stores refuse further use', async () => {
    const stores = createMemoryStores()
    await stores.close()
    await assert.rejects(stores.clients.list(), /closed/)
  })
})
