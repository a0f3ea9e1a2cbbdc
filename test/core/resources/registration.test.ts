import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createResource, deleteResource } from '../../../src/core/admin/resources.ts'
import {
  metadataPathOf,
  registerResource,
  ResourceRegistrationError,
} from '../../../src/core/resources/registration.ts'
import { createMemoryStores } from '../../../src/store/memory/stores.ts'
import { testClock } from '../../support/clock.ts'
import { recordingSink } from '../../support/events.ts'
import { testConfig, webClient } from '../../support/fixtures.ts'

const config = testConfig({ issuer: 'https://auth.example' })
const clock = testClock(new Date('2026-01-01T00:00:00Z'))

function problemsOf(registration: Parameters<typeof registerResource>[0]): readonly string[] {
  try {
    registerResource(registration, { config, clock })
    return []
  } catch (error) {
    assert.ok(error instanceof ResourceRegistrationError)
    return error.problems
  }
}

describe('registerResource', () => {
  test('a valid registration keeps what the operator said, and null where they left it to the client', () => {
    const resource = registerResource(
      { identifier: 'urn:example:orders', name: ' Orders ', scopes: ['read', 'read'] },
      { config, clock },
    )
    assert.deepEqual(resource, {
      identifier: 'urn:example:orders',
      name: 'Orders',
      scopes: ['read'],
      accessTokenFormat: null,
      accessTokenLifetime: null,
      serveMetadata: false,
      createdAt: clock.now(),
    })
  })

  test('every problem at once: identifier, name, unknown scope, lifetime', () => {
    const problems = problemsOf({
      identifier: 'orders#x',
      name: ' ',
      scopes: ['nope'],
      accessTokenLifetime: 0,
    })
    assert.equal(problems.length, 4, problems.join('\n'))
    assert.match(problems.join('\n'), /not an absolute URI/)
    assert.match(problems.join('\n'), /nope is not defined/)
    assert.deepEqual(problemsOf({ identifier: 'https://a.example/#f', name: 'A', scopes: [] }).length, 1)
  })

  test('Keyward serves metadata only for a resource with a path on its own origin (RFC 9728 §3.1)', () => {
    assert.equal(
      metadataPathOf('https://auth.example/mcp', config.issuer),
      '/.well-known/oauth-protected-resource/mcp',
    )
    assert.equal(metadataPathOf('https://other.example/mcp', config.issuer), null)
    assert.equal(metadataPathOf('https://auth.example/', config.issuer), null)
    assert.equal(metadataPathOf('https://auth.example/mcp?x=1', config.issuer), null)
    assert.equal(metadataPathOf('https://auth.example/mcp', 'https://auth.example/tenant'), null)
    assert.equal(
      problemsOf({ identifier: 'https://other.example/mcp', name: 'MCP', scopes: [], serveMetadata: true })
        .length,
      1,
    )
    assert.deepEqual(
      problemsOf({ identifier: 'https://auth.example/mcp', name: 'MCP', scopes: [], serveMetadata: true }),
      [],
    )
  })
})

describe('createResource and deleteResource', () => {
  test('create refuses a duplicate; delete takes the resource off clients’ defaults; both are security events', async () => {
    const stores = createMemoryStores()
    const events = recordingSink()
    const ctx = { config, stores, clock, events }
    await createResource({ identifier: 'urn:a', name: 'A', scopes: [] }, ctx)
    await assert.rejects(
      createResource({ identifier: 'urn:a', name: 'A again', scopes: [] }, ctx),
      ResourceRegistrationError,
    )
    await stores.clients.create(webClient({ id: 'uses-a', defaultResources: ['urn:a', 'urn:b'] }))
    await stores.clients.create(webClient({ id: 'other' }))
    assert.deepEqual(await deleteResource('urn:a', ctx), ['uses-a'])
    assert.deepEqual((await stores.clients.get('uses-a'))?.defaultResources, ['urn:b'])
    assert.equal(await deleteResource('urn:a', ctx), null)
    assert.deepEqual(
      events.events.map((event) => [event.event, event.resource]),
      [
        ['resource_created', 'urn:a'],
        ['resource_deleted', 'urn:a'],
      ],
    )
  })
})
