import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Client } from '../../src/core/model/client.ts'
import type { ClientStore } from '../../src/core/ports/stores.ts'
import { clientCache } from '../../src/store/sql/client-cache.ts'
import type { ExternalChange } from '../../src/store/sql/change-feed.ts'
import * as make from '../support/fixtures.ts'

/** An in-memory client store that counts lookups and can hold the next one until released. */
function fakeStore() {
  const rows = new Map<string, Client>()
  let hold: Promise<void> | undefined
  const fake = {
    lookups: 0,
    /** The next lookup reads its row, then waits until the returned function is called. */
    holdNextLookup(): () => void {
      let release!: () => void
      hold = new Promise((resolve) => {
        release = resolve
      })
      return release
    },
    store: {
      async create(client) {
        rows.set(client.id, client)
      },
      async update(client) {
        rows.set(client.id, client)
      },
      async get(id) {
        fake.lookups++
        const row = rows.get(id) ?? null
        const held = hold
        hold = undefined
        await held
        return row
      },
      async list() {
        return [...rows.values()]
      },
      async delete(id) {
        return rows.delete(id)
      },
      async recordFirstUse() {},
      async deleteUnusedDynamic() {
        return []
      },
    } satisfies ClientStore,
  }
  return fake
}

describe('client cache', () => {
  test('holds at most its capacity, evicting the least recently used', async () => {
    const fake = fakeStore()
    const { store } = clientCache(fake.store, { check: () => 'unchanged' }, 3)
    for (const id of ['a', 'b', 'c', 'a', 'd']) await store.get(id)
    assert.equal(fake.lookups, 4, "a's second lookup was served from memory")
    for (const id of ['a', 'c', 'd']) await store.get(id)
    assert.equal(fake.lookups, 4, 'a was used more recently than b, so b went when d came')
    await store.get('b')
    assert.equal(fake.lookups, 5)
  })

  test('a change elsewhere forgets everything; while changes cannot be known, lookups read through', async () => {
    const fake = fakeStore()
    let change: ExternalChange = 'unchanged'
    const { store } = clientCache(fake.store, { check: () => change }, 10)
    await store.get('a')
    await store.get('a')
    assert.equal(fake.lookups, 1)
    change = 'changed'
    await store.get('a')
    assert.equal(fake.lookups, 2)
    change = 'unknown'
    await store.get('a')
    await store.get('a')
    assert.equal(fake.lookups, 4, 'nothing served or kept while unknown')
    change = 'unchanged'
    await store.get('a')
    await store.get('a')
    assert.equal(fake.lookups, 5)
  })

  test('own writes are seen at once, a create included after the id was looked up unknown', async () => {
    const fake = fakeStore()
    const { store } = clientCache(fake.store, { check: () => 'unchanged' }, 10)
    const client = make.client()
    assert.equal(await store.get(client.id), null)
    await store.create(client)
    assert.deepEqual(await store.get(client.id), client)
    const renamed = { ...client, name: 'Renamed' }
    await store.update(renamed)
    assert.deepEqual(await store.get(client.id), renamed)
    assert.equal(await store.delete(client.id), true)
    assert.equal(await store.get(client.id), null)
  })

  test('a lookup that read the row before a write landed does not keep it', async () => {
    const fake = fakeStore()
    const cache = clientCache(fake.store, { check: () => 'unchanged' }, 10)
    const client = make.client()
    await fake.store.create(client)
    const release = fake.holdNextLookup()
    const stale = cache.store.get(client.id)
    await cache.store.delete(client.id)
    release()
    assert.deepEqual(await stale, client, 'it started before the delete')
    assert.equal(await cache.store.get(client.id), null)
  })
})
