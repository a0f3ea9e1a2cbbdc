import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  InvalidClientMetadata,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidToken,
  UnapprovedSoftwareStatement,
} from '../../../src/core/errors.ts'
import type { ConfigInput } from '../../../src/core/config.ts'
import type { EndpointResult } from '../../../src/core/model/endpoint-result.ts'
import {
  deleteRegistration,
  readRegistration,
  registerDynamicClient,
  updateRegistration,
} from '../../../src/core/registration/endpoint.ts'
import { requestedClient } from '../../../src/core/registration/metadata.ts'
import { memoryCore } from '../../support/core-context.ts'
import { testConfig } from '../../support/fixtures.ts'
import { webAppMetadata } from '../../support/registration.ts'

// RFC 7591/7592 in core, on the memory store: what is stored, which error, which security event.

const ADDRESS = '198.51.100.4'

async function core(registration: ConfigInput['registration'] = { policy: 'open' }) {
  return memoryCore(testConfig({ registration }))
}

function bodyOf(result: EndpointResult): Record<string, unknown> {
  assert.equal(result.kind, 'json')
  return result.body as Record<string, unknown>
}

describe('requestedClient: RFC 7591 metadata read into a registration', () => {
  const config = testConfig()

  test('maps the wire names, and a method of none to a public client', () => {
    const { registration, links } = requestedClient(
      {
        ...webAppMetadata,
        token_endpoint_auth_method: 'none',
        client_uri: 'https://dynamic.example/',
        contacts: ['ops@dynamic.example'],
        unknown_field: { ignored: true },
      },
      config,
    )
    assert.deepEqual(registration, {
      name: 'Dynamic web app',
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://dynamic.example/callback'],
      scopes: ['openid', 'profile'],
    })
    assert.deepEqual(links, { clientUri: 'https://dynamic.example/', contacts: ['ops@dynamic.example'] })
  })

  test('refuses with the RFC 7591 §3.2.2 error of each problem', () => {
    const cases: readonly [unknown, new (...args: never[]) => Error][] = [
      ['not an object', InvalidClientMetadata],
      [{ ...webAppMetadata, redirect_uris: [1] }, InvalidRedirectUri],
      [{ ...webAppMetadata, response_types: ['code id_token'] }, InvalidClientMetadata],
      [{ ...webAppMetadata, grant_types: ['refresh_token'] }, InvalidClientMetadata],
      [{ ...webAppMetadata, software_statement: 'a.b.c' }, UnapprovedSoftwareStatement],
      [{ ...webAppMetadata, tos_uri: 'http://dynamic.example/tos' }, InvalidClientMetadata],
    ]
    for (const [body, error] of cases) assert.throws(() => requestedClient(body, config), error)
  })
})

describe('registration operations', () => {
  test('a registration stores digests only and is a security event with the address', async () => {
    const { context, stores, events } = await core()
    const body = bodyOf(
      await registerDynamicClient(
        { body: webAppMetadata, authorization: undefined, address: ADDRESS },
        context,
      ),
    )
    const stored = await stores.clients.get(String(body.client_id))
    assert.ok(stored?.dynamicRegistration)
    assert.notEqual(stored.dynamicRegistration.accessTokenDigest, body.registration_access_token)
    assert.notEqual(stored.secretDigest, body.client_secret)
    assert.deepEqual(events, [{ event: 'client_registered', clientId: stored.id, address: ADDRESS }])
  })

  test('a refusal is a security event too, with its error code and no client', async () => {
    const { context, stores, events } = await core()
    await assert.rejects(
      registerDynamicClient(
        {
          body: { ...webAppMetadata, redirect_uris: ['https://*.dynamic.example/cb'] },
          authorization: undefined,
          address: ADDRESS,
        },
        context,
      ),
      InvalidRedirectUri,
    )
    assert.deepEqual(await stores.clients.list(), [])
    assert.deepEqual(events, [
      { event: 'client_registration_refused', address: ADDRESS, reason: 'invalid_redirect_uri' },
    ])
  })

  test('read, update and delete need the client’s own registration access token', async () => {
    const { context, stores, events } = await core()
    const registered = bodyOf(
      await registerDynamicClient(
        { body: webAppMetadata, authorization: undefined, address: ADDRESS },
        context,
      ),
    )
    const clientId = String(registered.client_id)
    const request = (authorization: string | undefined, body: unknown = undefined) => ({
      clientId,
      body,
      authorization,
      address: ADDRESS,
    })
    const bearer = `Bearer ${String(registered.registration_access_token)}`
    await assert.rejects(readRegistration(request('Bearer wrong'), context), InvalidToken)
    await assert.rejects(readRegistration(request(undefined), context), InvalidToken)
    assert.equal(bodyOf(await readRegistration(request(bearer), context)).client_name, 'Dynamic web app')

    await assert.rejects(
      updateRegistration(
        request(bearer, { ...webAppMetadata, client_id: clientId, grant_types: ['password'] }),
        context,
      ),
      InvalidClientMetadata,
    )
    await assert.rejects(updateRegistration(request(bearer, null), context), InvalidRequest)
    const updated = await updateRegistration(
      request(bearer, { ...webAppMetadata, client_id: clientId, client_name: 'Renamed' }),
      context,
    )
    assert.equal(bodyOf(updated).client_name, 'Renamed')
    assert.equal((await stores.clients.get(clientId))?.name, 'Renamed')

    assert.deepEqual(await deleteRegistration(request(bearer), context), { kind: 'empty', status: 204 })
    assert.equal(await stores.clients.get(clientId), null)
    assert.deepEqual(
      events.map((event) => event.event),
      ['client_registered', 'client_registration_refused', 'client_registration_updated', 'client_deleted'],
    )
    assert.equal(events.at(-1)?.reason, 'deleted_by_client')
  })

  test('with the policy off every operation answers 404 and changes nothing', async () => {
    const { context, stores } = await core({ policy: 'off' })
    const result = await registerDynamicClient(
      { body: webAppMetadata, authorization: undefined, address: ADDRESS },
      context,
    )
    assert.equal(result.kind === 'json' && result.status, 404)
    const read = await readRegistration(
      { clientId: 'any', body: undefined, authorization: 'Bearer x', address: ADDRESS },
      context,
    )
    assert.equal(read.kind === 'json' && read.status, 404)
    assert.deepEqual(await stores.clients.list(), [])
  })
})
