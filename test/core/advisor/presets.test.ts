import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { lintConfiguration } from '../../../src/core/advisor/lint.ts'
import {
  clientKinds,
  clientLifetimes,
  clientPresetForKind,
  withoutRefresh,
} from '../../../src/core/advisor/presets.ts'
import { lintInput, webClient } from '../../support/fixtures.ts'

const redirectFor = {
  web: ['https://app.example.com/callback'],
  spa: ['https://spa.example.com/callback'],
  native: ['http://127.0.0.1/callback', 'com.example.app:/callback'],
  device: [],
  service: [],
} as const

describe('client presets', () => {
  for (const kind of clientKinds) {
    test(`a ${kind} client created from its preset passes every lint rule`, () => {
      const preset = clientPresetForKind(kind)
      assert.equal(preset.kind, kind)
      const created = webClient({
        id: kind,
        type: preset.type,
        ...(preset.type === 'public' ? { secretDigest: null } : {}),
        tokenEndpointAuthMethod: preset.tokenEndpointAuthMethod,
        grantTypes: preset.grantTypes,
        redirectUris: preset.redirectUrisRequired ? redirectFor[kind] : [],
        lifetimes: clientLifetimes(preset.tokens),
      })
      assert.deepEqual(lintConfiguration(lintInput({ clients: [created] })), [])
    })
  }

  test('public presets send no secret, confidential ones use HTTP Basic', () => {
    for (const kind of clientKinds) {
      const preset = clientPresetForKind(kind)
      assert.equal(
        preset.tokenEndpointAuthMethod,
        preset.type === 'public' ? 'none' : 'client_secret_basic',
        kind,
      )
    }
  })

  test('redirect-based kinds need redirect URIs and PKCE; device and service need neither', () => {
    assert.deepEqual(
      clientKinds.map((kind) => [
        kind,
        clientPresetForKind(kind).redirectUrisRequired,
        clientPresetForKind(kind).pkce,
      ]),
      [
        ['web', true, true],
        ['spa', true, true],
        ['native', true, true],
        ['device', false, false],
        ['service', false, false],
      ],
    )
  })

  test('access tokens live 10 minutes everywhere; a browser keeps refresh tokens for less than a native app', () => {
    for (const kind of clientKinds) assert.equal(clientPresetForKind(kind).tokens.accessTokenTtl, 600)
    const spa = clientPresetForKind('spa').tokens.refresh
    const native = clientPresetForKind('native').tokens.refresh
    assert.ok(spa && native && spa.absoluteTtl < native.absoluteTtl && spa.idleTtl < native.idleTtl)
  })

  test('a service gets no refresh token and stores only an access-token lifetime', () => {
    const service = clientPresetForKind('service')
    assert.deepEqual(service.grantTypes, ['client_credentials'])
    assert.deepEqual(clientLifetimes(service.tokens), { accessToken: 600 })
  })

  test('withoutRefresh drops the grant and the refresh settings together', () => {
    const web = withoutRefresh(clientPresetForKind('web'))
    assert.deepEqual(web.grantTypes, ['authorization_code'])
    assert.equal(web.tokens.refresh, null)
    assert.deepEqual(clientLifetimes(web.tokens), { accessToken: 600 })
  })
})
