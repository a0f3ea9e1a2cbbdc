import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { PASSWORD_ACR } from '../../../src/core/oidc/acr.ts'
import { authorizeCode } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient } from './oidc-flow.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const acrClaims = (acr: unknown) => JSON.stringify({ id_token: { acr } })

describe('acr (OpenID Connect Core §2, §3.1.2.1, §5.5.1.1)', () => {
  test('discovery names the one class; every ID token states it', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as {
      acr_values_supported?: unknown
      claims_supported?: string[]
    }
    assert.deepEqual(metadata.acr_values_supported, [PASSWORD_ACR])
    assert.ok(metadata.claims_supported?.includes('acr'))
    const reply = await codeTokens(server, await openIdClient(server), {
      params: { scope: 'openid' },
      user: await server.user(),
    })
    assert.equal(decodeJwt(String(reply.json.id_token)).acr, PASSWORD_ACR)
  })

  test('voluntary requests for another class are answered with the class achieved', async () => {
    const registered = await openIdClient(server)
    const user = await server.user()
    for (const params of [
      { acr_values: 'urn:example:mfa phr' },
      { claims: acrClaims({ values: ['urn:example:mfa'] }) },
      { claims: acrClaims({ essential: false, value: 'urn:example:mfa' }) },
      { claims: acrClaims({ essential: true }) },
      { claims: acrClaims({ essential: true, values: ['urn:example:mfa', PASSWORD_ACR] }) },
    ]) {
      const reply = await codeTokens(server, registered, { params: { scope: 'openid', ...params }, user })
      assert.equal(decodeJwt(String(reply.json.id_token)).acr, PASSWORD_ACR, JSON.stringify(params))
    }
  })

  test('an essential acr Keyward cannot achieve is unmet_authentication_requirements', async () => {
    const registered = await openIdClient(server)
    for (const acr of [
      { essential: true, values: ['urn:example:mfa'] },
      { essential: true, value: 'urn:example:mfa' },
    ]) {
      const location = await authorizeCode(server, {
        client: registered.client,
        params: { scope: 'openid', state: 'st', claims: acrClaims(acr) },
      })
      assert.equal(location.searchParams.get('error'), 'unmet_authentication_requirements')
      assert.match(location.searchParams.get('error_description') ?? '', /urn:example:mfa/)
      assert.equal(location.searchParams.get('state'), 'st')
      assert.equal(location.searchParams.get('iss'), server.issuer)
    }
  })
})
