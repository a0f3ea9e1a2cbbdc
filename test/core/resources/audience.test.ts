import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { OAuthError } from '../../../src/core/errors.ts'
import {
  checkScopeFitsTarget,
  decideTarget,
  scopeForTarget,
  serverTarget,
} from '../../../src/core/resources/audience.ts'
import { createMemoryStores } from '../../../src/store/memory/stores.ts'
import { resource, testConfig, webClient } from '../../support/fixtures.ts'

const ORDERS = 'https://orders.example/api'
const INVOICES = 'https://invoices.example/api'

const config = testConfig({ accessTokenAudience: 'https://default.example' })
const stores = createMemoryStores()
await stores.resources.create(
  resource({
    identifier: ORDERS,
    scopes: ['orders:read'],
    accessTokenFormat: null,
    accessTokenLifetime: 300,
  }),
)
await stores.resources.create(
  resource({
    identifier: INVOICES,
    scopes: ['invoices:read'],
    accessTokenFormat: 'jwt',
    accessTokenLifetime: 60,
  }),
)
const deps = { config, stores }
const client = webClient()

const refused = (code: string) => (error: unknown) => error instanceof OAuthError && error.code === code

describe('decideTarget (RFC 8707): the one place the audience is decided', () => {
  test('no resource and no default: the server-wide audience, without a store read', async () => {
    const target = await decideTarget(
      { requested: [], client, scope: [] },
      { config, stores: undefined as never },
    )
    assert.deepEqual(target, serverTarget(config))
    assert.deepEqual(target.audience, ['https://default.example'])
  })

  test("the request's resources, else the client's defaults", async () => {
    assert.deepEqual((await decideTarget({ requested: [ORDERS], client, scope: [] }, deps)).audience, [
      ORDERS,
    ])
    const defaulted = webClient({ defaultResources: [INVOICES] })
    assert.deepEqual((await decideTarget({ requested: [], client: defaulted, scope: [] }, deps)).audience, [
      INVOICES,
    ])
    assert.deepEqual(
      (await decideTarget({ requested: [ORDERS], client: defaulted, scope: [] }, deps)).audience,
      [ORDERS],
    )
  })

  test('the shortest lifetime and the one format the resources ask for', async () => {
    const target = await decideTarget({ requested: [ORDERS, INVOICES], client, scope: [] }, deps)
    assert.equal(target.accessTokenLifetime, 60)
    assert.equal(target.accessTokenFormat, 'jwt')
    assert.equal(
      (await decideTarget({ requested: [ORDERS], client, scope: [] }, deps)).accessTokenFormat,
      null,
    )
  })

  test('invalid_target for a value that is not an absolute URI, has a fragment, or names nothing registered', async () => {
    for (const value of [
      'api',
      '//orders.example/api',
      `${ORDERS}#x`,
      'https://unknown.example/',
      'https://a b',
    ]) {
      await assert.rejects(
        decideTarget({ requested: [value], client, scope: [] }, deps),
        refused('invalid_target'),
        value,
      )
    }
  })

  test('a redemption narrows what was authorized, never widens it, and defaults to all of it', async () => {
    const authorized = [ORDERS, INVOICES]
    assert.deepEqual(
      (await decideTarget({ requested: [], client, scope: [], authorized }, deps)).audience,
      authorized,
    )
    assert.deepEqual(
      (await decideTarget({ requested: [INVOICES], client, scope: [], authorized }, deps)).audience,
      [INVOICES],
    )
    await assert.rejects(
      decideTarget({ requested: [INVOICES], client, scope: [], authorized: [ORDERS] }, deps),
      refused('invalid_target'),
    )
    // The server-wide audience was authorized: no resource may be added afterwards, the client's defaults neither.
    const defaulted = webClient({ defaultResources: [ORDERS] })
    await assert.rejects(
      decideTarget({ requested: [ORDERS], client: defaulted, scope: [], authorized: [] }, deps),
      refused('invalid_target'),
    )
    assert.deepEqual(
      (await decideTarget({ requested: [], client: defaulted, scope: [], authorized: [] }, deps)).audience,
      serverTarget(config).audience,
    )
  })

  test("scopes: another resource's are refused afresh and dropped on narrowing; the server's always fit", async () => {
    const scope = ['orders:read', 'invoices:read', 'openid', 'read']
    const orders = await decideTarget({ requested: [ORDERS], client, scope }, deps)
    assert.deepEqual([...orders.foreignScopes], ['invoices:read'])
    checkScopeFitsTarget(['orders:read', 'openid', 'read'], orders)
    assert.throws(() => checkScopeFitsTarget(['invoices:read'], orders), refused('invalid_scope'))
    assert.deepEqual(scopeForTarget(['orders:read', 'invoices:read', 'openid'], orders), [
      'orders:read',
      'openid',
    ])
    // The server-wide audience keeps today's behaviour: any scope the client may have.
    checkScopeFitsTarget(['invoices:read'], serverTarget(config))
  })

  test('the hot path reads each resource by key, and the whole list only for a scope no targeted one defines', async () => {
    let listed = 0
    const counting = {
      ...stores,
      resources: {
        ...stores.resources,
        list: () => {
          listed++
          return stores.resources.list()
        },
      },
    }
    await decideTarget({ requested: [ORDERS], client, scope: ['orders:read'] }, { config, stores: counting })
    assert.equal(listed, 0)
    await decideTarget(
      { requested: [ORDERS], client, scope: ['orders:read', 'openid'] },
      { config, stores: counting },
    )
    assert.equal(listed, 1)
  })
})
