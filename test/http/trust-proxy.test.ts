import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, describe, test } from 'node:test'
import { loadConfig } from '../../src/cli/config-source.ts'
import { CLIENT_AUTH_POLICY } from '../../src/core/client-auth/authenticate.ts'
import { ConfigError, type ConfigInput, parseConfig } from '../../src/core/config.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { fetchFrom } from '../support/source-address.ts'
import { basicAuthorization } from '../support/oauth-client.ts'

const minimal = { issuer: 'https://auth.example', databaseUrl: 'sqlite::memory:', secret: 'x'.repeat(32) }

describe('which proxies are trusted: the configuration', () => {
  test('false, a number of hops, or proxy addresses and CIDR ranges; true is a proxy on loopback', () => {
    const trust = (trustProxy: unknown) => parseConfig({ ...minimal, trustProxy }).trustProxy
    assert.equal(parseConfig(minimal).trustProxy, false)
    assert.equal(trust(false), false)
    assert.equal(trust(0), false)
    assert.equal(trust(2), 2)
    assert.deepEqual(trust(true), ['loopback'], 'never every hop: X-Forwarded-For is written by the client')
    assert.deepEqual(trust(['10.0.0.0/8', '192.0.2.7', 'fd00::/8', 'uniquelocal']), [
      '10.0.0.0/8',
      '192.0.2.7',
      'fd00::/8',
      'uniquelocal',
    ])
    for (const wrong of [['proxy.example'], ['10.0.0.0/33'], [], -1, 1.5]) {
      assert.throws(() => trust(wrong), ConfigError, JSON.stringify(wrong))
    }
  })

  test('KEYWARD_TRUST_PROXY reads the same from the environment', () => {
    const trust = (value: string) =>
      loadConfig({
        KEYWARD_TRUST_PROXY: value,
        KEYWARD_DATABASE_URL: 'sqlite::memory:',
        KEYWARD_SECRET: 'x'.repeat(32),
      }).trustProxy
    assert.equal(trust('false'), false)
    assert.equal(trust('0'), false)
    assert.equal(trust('2'), 2)
    assert.deepEqual(trust('true'), ['loopback'])
    assert.deepEqual(trust('10.0.0.0/8, 192.0.2.7'), ['10.0.0.0/8', '192.0.2.7'])
    assert.throws(() => trust('proxy.example'), ConfigError)
  })
})

describe('which proxies are trusted: the address Keyward counts', () => {
  const servers: TestServer[] = []
  after(() => Promise.all(servers.map((server) => server.close())))

  async function serverWith(trustProxy: ConfigInput['trustProxy']) {
    const server = await startTestServer({ trustProxy })
    servers.push(server)
    return { server, service: await server.client({ grantTypes: ['client_credentials'], redirectUris: [] }) }
  }

  /** Fails a client authentication from `from` with these forwarding headers: the address its event names. */
  async function addressSeen(server: TestServer, from: string, forwardedFor?: string): Promise<unknown> {
    const marker = `who-${randomUUID()}`
    await fetchFrom(from)(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(marker, 'wrong'),
        ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    })
    const line = server.logs.find((logged) => logged.includes(marker))
    assert.ok(line, 'a client_authentication_failed event')
    return (JSON.parse(line) as { address?: unknown }).address
  }

  test('one hop: the address the proxy appended counts, what the client wrote to its left does not', async () => {
    const { server, service } = await serverWith(1)
    assert.equal(await addressSeen(server, '127.0.0.1', '203.0.113.9, 198.51.100.7'), '198.51.100.7')
    assert.equal(await addressSeen(server, '127.0.0.1'), '127.0.0.1', 'no header: the peer itself')

    // Guessing with a new made-up address in each request is still guessing from 198.51.100.7.
    for (let guess = 1; guess < CLIENT_AUTH_POLICY.limit; guess++) {
      await addressSeen(server, '127.0.0.1', `203.0.113.${guess}, 198.51.100.7`)
    }
    const send = (forwardedFor: string) =>
      fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(service.client.id, service.secret ?? ''),
          'x-forwarded-for': forwardedFor,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      })
    assert.equal((await send('192.0.2.200, 198.51.100.7')).status, 429, 'the spoofed address changes nothing')
    assert.equal((await send('198.51.100.8')).status, 200, 'another client behind the proxy is not affected')
  })

  test('proxy addresses: hops from the right are skipped while they are trusted proxies', async () => {
    const { server } = await serverWith(['127.0.0.1', '10.0.0.0/8'])
    assert.equal(
      await addressSeen(server, '127.0.0.1', '203.0.113.9, 198.51.100.9, 10.1.2.3'),
      '198.51.100.9',
    )
    assert.equal(
      await addressSeen(server, '127.0.0.21', '203.0.113.9'),
      '127.0.0.21',
      'a peer that is not a trusted proxy is the client, whatever it writes',
    )
  })

  test('true trusts a proxy on loopback only; false trusts no header', async () => {
    const loopback = (await serverWith(true)).server
    assert.equal(await addressSeen(loopback, '127.0.0.22', '203.0.113.9, 198.51.100.10'), '198.51.100.10')
    const none = (await serverWith(false)).server
    assert.equal(await addressSeen(none, '127.0.0.23', '198.51.100.11'), '127.0.0.23')
  })
})
