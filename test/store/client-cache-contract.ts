import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import type { Client } from '../../src/core/model/client.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import { eventually } from '../support/eventually.ts'
import * as make from '../support/fixtures.ts'

/** Two independent Stores on one database, as two processes or server nodes would open it. */
export interface CacheFixture {
  /** Stores over a counting driver, whose cache is under test. */
  readonly stores: Stores
  /** Statements `stores` has sent to the database so far. */
  statements(): number
  /** Opened by openStores on the same database, as the admin CLI would. */
  readonly other: Stores
  /** SQLite checks for other writers on every lookup; PostgreSQL learns of them by notification. */
  readonly othersSeen: 'on the next lookup' | 'once notified'
}

/**
 * Looks the id up until a lookup sends no statement (PostgreSQL caches only once its listener holds) and
 * returns what it found: the id is then cached.
 */
export async function cached(fixture: CacheFixture, id: string): Promise<Client | null> {
  return cachedLookup(fixture, () => fixture.stores.clients.get(id), id)
}

async function cachedLookup<Value>(
  fixture: CacheFixture,
  lookup: () => Promise<Value | null>,
  key: string,
): Promise<Value | null> {
  let found: Value | null = null
  await eventually(async () => {
    const before = fixture.statements()
    found = await lookup()
    return fixture.statements() === before
  }, `a lookup of ${key} was never served from memory`)
  return found
}

/** The next lookup (or, where writes elsewhere are notified, one soon) finds `expected`. */
async function seesOther<Value>(
  fixture: CacheFixture,
  lookup: () => Promise<Value | null>,
  expected: Value | null,
): Promise<void> {
  if (fixture.othersSeen === 'on the next lookup') {
    assert.deepEqual(await lookup(), expected)
    return
  }
  await eventually(
    async () => isDeepStrictEqual(await lookup(), expected),
    'the write elsewhere was never seen',
  )
}

/** The client and resource caches that every Stores from openStores keeps; each driver's test file runs it. */
export function clientCacheContract(open: () => Promise<CacheFixture>): void {
  const it = (name: string, body: (fixture: CacheFixture) => Promise<void>) =>
    test(name, async () => {
      const fixture = await open()
      try {
        await body(fixture)
      } finally {
        await Promise.all([fixture.stores.close(), fixture.other.close()])
      }
    })

  it('a repeated lookup, of a known id or an unknown one, is served from memory', async (fixture) => {
    const client = make.client()
    await fixture.stores.clients.create(client)
    assert.deepEqual(await cached(fixture, client.id), client)
    assert.equal(await cached(fixture, 'nobody'), null)
  })

  it("the Stores' own writes are seen at once, a transaction's once it commits", async (fixture) => {
    const { clients } = fixture.stores
    const client = make.client()
    assert.equal(await cached(fixture, client.id), null)
    await clients.create(client)
    assert.deepEqual(await clients.get(client.id), client)

    const renamed = { ...client, name: 'Renamed' }
    await cached(fixture, client.id)
    await clients.update(renamed)
    assert.deepEqual(await clients.get(client.id), renamed)

    await cached(fixture, client.id)
    await assert.rejects(
      fixture.stores.transaction(async (tx) => {
        await tx.clients.delete(client.id)
        throw new Error('roll back')
      }),
    )
    assert.deepEqual(await clients.get(client.id), renamed)
    await cached(fixture, client.id)
    await fixture.stores.transaction((tx) => tx.clients.delete(client.id))
    assert.equal(await clients.get(client.id), null)
  })

  it('another process or node updating or deleting a client is seen on the next lookup', async (fixture) => {
    const client = make.client()
    await fixture.stores.clients.create(client)
    assert.deepEqual(await cached(fixture, client.id), client)
    const lookup = () => fixture.stores.clients.get(client.id)
    const renamed = { ...client, name: 'Renamed elsewhere', scopes: ['photos:read'] }
    await fixture.other.clients.update(renamed)
    await seesOther(fixture, lookup, renamed)

    assert.deepEqual(await cached(fixture, client.id), renamed)
    assert.equal(await fixture.other.clients.delete(client.id), true)
    await seesOther(fixture, lookup, null)

    assert.equal(await cached(fixture, client.id), null)
    await fixture.other.clients.create(client)
    await seesOther(fixture, lookup, client)
  })

  it('resources: a repeated lookup is served from memory; own writes and those elsewhere are seen', async (fixture) => {
    const { resources } = fixture.stores
    const resource = make.resource()
    const lookup = () => resources.get(resource.identifier)
    assert.equal(await cachedLookup(fixture, lookup, resource.identifier), null)
    await resources.create(resource)
    assert.deepEqual(await lookup(), resource)
    assert.deepEqual(await cachedLookup(fixture, lookup, resource.identifier), resource)

    assert.equal(await fixture.other.resources.delete(resource.identifier), true)
    await seesOther(fixture, lookup, null)
    assert.equal(await cachedLookup(fixture, lookup, resource.identifier), null)
    await fixture.other.resources.create(resource)
    await seesOther(fixture, lookup, resource)

    await cachedLookup(fixture, lookup, resource.identifier)
    await fixture.stores.transaction((tx) => tx.resources.delete(resource.identifier))
    assert.equal(await lookup(), null, "a transaction's write is seen once it commits")
  })
}
