import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runService } from '../../../examples/service/service.ts'
import {
  createTokenCache,
  type FetchedToken,
  RENEW_BEFORE_SECONDS,
} from '../../../examples/service/token-cache.ts'
import { testClock } from '../../support/clock.ts'
import { startKeywardAndApi } from './keyward-and-api.ts'

const { keyward, api } = await startKeywardAndApi()

describe('example service (client credentials), against a real Keyward', () => {
  test('fetches one token with its secret, reuses it for the next call, and the API accepts it', async () => {
    // As the demo registers it: the service preset (confidential, client_credentials, no refresh token).
    const { client, secret } = await keyward.client({
      name: 'Demo service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
    })
    const lines: string[] = []
    await runService({
      issuer: keyward.issuer,
      clientId: client.id,
      clientSecret: secret ?? '',
      apiUrl: api.url,
      print: (line) => lines.push(line),
      clock: keyward.clock,
    })
    const output = lines.join('\n')
    assert.match(
      lines[0] ?? '',
      /^Fetched a new access token from the token endpoint; it expires in 600 seconds\.$/,
    )
    assert.equal(lines.filter((line) => line.startsWith('Fetched')).length, 1)
    assert.match(output, /Reused the cached access token \(no token request\): it expires in 600 seconds/)
    assert.match(output, /\/profile → HTTP 200/)
    assert.match(output, /\/notes → HTTP 200/)
    assert.match(output, new RegExp(`"subject": "${client.id}"`))
  })

  test('a wrong secret stops it with invalid_client', async () => {
    const { client } = await keyward.client({ grantTypes: ['client_credentials'], redirectUris: [] })
    await assert.rejects(
      runService({
        issuer: keyward.issuer,
        clientId: client.id,
        clientSecret: 'not-the-secret',
        apiUrl: api.url,
        print: () => {},
        clock: keyward.clock,
      }),
      /The token endpoint answered invalid_client/,
    )
  })
})

describe('the service token cache', () => {
  const LIFETIME = 600

  function counting() {
    let issued = 0
    return {
      issued: () => issued,
      fetch: async (): Promise<FetchedToken> => ({ accessToken: `token-${++issued}`, expiresIn: LIFETIME }),
    }
  }

  test('reuses the token until RENEW_BEFORE_SECONDS before expiry, then fetches a new one', async () => {
    const clock = testClock()
    const endpoint = counting()
    const cache = createTokenCache(endpoint.fetch, clock)
    const first = await cache.get()
    assert.deepEqual([first.accessToken, first.fetched], ['token-1', true])
    assert.equal(first.expiresAt.getTime() - clock.now().getTime(), LIFETIME * 1000)

    clock.advance(LIFETIME - RENEW_BEFORE_SECONDS - 1)
    const reused = await cache.get()
    assert.deepEqual([reused.accessToken, reused.fetched], ['token-1', false])

    clock.advance(1)
    const renewed = await cache.get()
    assert.deepEqual([renewed.accessToken, renewed.fetched], ['token-2', true])
    assert.equal(endpoint.issued(), 2)
  })

  test('callers asking at once share one token request', async () => {
    const endpoint = counting()
    const cache = createTokenCache(endpoint.fetch, testClock())
    const tokens = await Promise.all([cache.get(), cache.get(), cache.get()])
    assert.deepEqual(new Set(tokens.map((token) => token.accessToken)), new Set(['token-1']))
    assert.equal(endpoint.issued(), 1)
  })

  test('a failed request is not cached: the next call asks again', async () => {
    let attempts = 0
    const cache = createTokenCache(async () => {
      attempts += 1
      if (attempts === 1) throw new Error('the token endpoint is down')
      return { accessToken: 'token', expiresIn: LIFETIME }
    }, testClock())
    await assert.rejects(cache.get(), /down/)
    assert.equal((await cache.get()).accessToken, 'token')
  })
})
