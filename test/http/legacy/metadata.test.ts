import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startTestServer, type TestServer } from '../../support/server.ts'

describe('RFC 8414 metadata advertises a legacy flow only while some client has it', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  async function metadata(): Promise<{
    grant_types_supported: string[]
    response_types_supported: string[]
    response_modes_supported: string[]
  }> {
    const response = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
    assert.equal(response.status, 200)
    return (await response.json()) as Awaited<ReturnType<typeof metadata>>
  }

  test('password appears in grant_types_supported with the first client that has it, and goes with the last', async () => {
    assert.ok(!(await metadata()).grant_types_supported.includes('password'))
    const first = await server.client({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
    const second = await server.client({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
    const withPassword = await metadata()
    assert.ok(withPassword.grant_types_supported.includes('password'))
    assert.deepEqual(withPassword.response_types_supported, ['code'], 'password says nothing about implicit')

    await server.core.stores.clients.delete(first.client.id)
    assert.ok((await metadata()).grant_types_supported.includes('password'), 'one client still has it')
    await server.core.stores.clients.delete(second.client.id)
    assert.ok(!(await metadata()).grant_types_supported.includes('password'))
  })

  test('response_type token, id_token (and the fragment mode) appear only while some client has implicit', async () => {
    const before = await metadata()
    assert.deepEqual(before.response_types_supported, ['code'])
    assert.deepEqual(before.response_modes_supported, ['query', 'form_post'])
    assert.ok(!before.grant_types_supported.includes('implicit'))

    const spa = await server.client({
      type: 'public',
      grantTypes: ['implicit'],
      redirectUris: ['https://spa.example/callback'],
      allowLegacy: ['implicit'],
    })
    const during = await metadata()
    // OpenID Connect Core §3.2: the implicit ID token response types come with it.
    assert.deepEqual(during.response_types_supported, ['code', 'token', 'id_token', 'id_token token'])
    assert.deepEqual(during.response_modes_supported, ['query', 'fragment', 'form_post'])
    assert.ok(during.grant_types_supported.includes('implicit'))
    assert.ok(!during.grant_types_supported.includes('password'), 'implicit says nothing about password')

    await server.core.stores.clients.delete(spa.client.id)
    assert.deepEqual(await metadata(), before)
  })
})
