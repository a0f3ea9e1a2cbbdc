import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { demoPorts } from '../../../examples/demo/ports.ts'
import { provisionDemo } from '../../../examples/demo/provision.ts'
import { DEMO_USER, type DemoClients, demoSettings, secretOf } from '../../../examples/demo/settings.ts'
import { ConfigError } from '../../../src/core/config.ts'
import type { Client } from '../../../src/core/model/client.ts'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

describe('the demo provisions one client per example and the CLI examples find them', () => {
  let keyward: TestServer
  let dataDir: string
  let file: string

  before(async () => {
    keyward = await startTestServer()
    dataDir = await mkdtemp(join(tmpdir(), 'keyward-demo-clients-'))
    file = join(dataDir, 'demo-clients.json')
  })

  after(async () => {
    await keyward?.close()
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
  })

  const provision = () => provisionDemo(keyward.core, dataDir)
  const saved = async () => JSON.parse(await readFile(file, 'utf8')) as DemoClients
  const clientOf = async (clients: DemoClients, name: keyof DemoClients): Promise<Client> => {
    const client = await keyward.core.stores.clients.get(clients[name].clientId)
    assert.ok(client, `${name} is registered in Keyward`)
    return client
  }

  test('each example gets the safe settings of its kind; legacy flows only where named', async () => {
    const clients = await provision()
    assert.deepEqual(await saved(), clients)
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'only its owner reads the secrets')
    const port = keyward.core.config.port
    const summary = async (name: keyof DemoClients) => {
      const { type, tokenEndpointAuthMethod, grantTypes, redirectUris, legacyFlows } = await clientOf(
        clients,
        name,
      )
      return { type, tokenEndpointAuthMethod, grantTypes, redirectUris, legacyFlows }
    }
    assert.deepEqual(await summary('spa'), {
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [`http://127.0.0.1:${port + 3}/callback`],
      legacyFlows: [],
    })
    // The SPA signs people in with OpenID Connect and comes back to its page after signing out of Keyward.
    const spa = await clientOf(clients, 'spa')
    assert.ok(spa.scopes.includes('openid'))
    assert.deepEqual(spa.postLogoutRedirectUris, [`http://127.0.0.1:${port + 3}/`])
    assert.deepEqual(await summary('deviceCli'), {
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      grantTypes: [DEVICE_CODE, 'refresh_token'],
      redirectUris: [],
      legacyFlows: [],
    })
    assert.deepEqual(await summary('service'), {
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      legacyFlows: [],
    })
    assert.deepEqual(await summary('legacyImplicit'), {
      type: 'public',
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['implicit'],
      redirectUris: [`http://127.0.0.1:${port + 4}/callback`],
      legacyFlows: ['implicit'],
    })
    assert.deepEqual(await summary('legacyPassword'), {
      type: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['password'],
      redirectUris: [],
      legacyFlows: ['password'],
    })
    assert.deepEqual((await summary('webApp')).redirectUris, [`http://127.0.0.1:${port + 1}/callback`])
    for (const name of ['webApp', 'service', 'legacyPassword'] as const) assert.ok(secretOf(clients, name))
    assert.throws(() => secretOf(clients, 'spa'), /has no secret for spa/)
  })

  test('the implicit page’s client gets its token in the fragment of its redirect URI', async () => {
    const client = await clientOf(await provision(), 'legacyImplicit')
    const query = new URLSearchParams({
      response_type: 'token',
      client_id: client.id,
      redirect_uri: client.redirectUris[0] ?? '',
      scope: 'profile',
      state: 'implicit-state',
    })
    const redirect = await followAuthorization(
      newBrowser(keyward.issuer),
      `${keyward.issuer}/authorize?${query}`,
      {
        user: DEMO_USER,
      },
    )
    assert.equal(`${redirect.origin}${redirect.pathname}`, client.redirectUris[0])
    const fragment = new URLSearchParams(redirect.hash.slice(1))
    assert.ok(fragment.get('access_token'))
    assert.equal(fragment.get('state'), 'implicit-state')
    assert.equal(fragment.get('iss'), keyward.issuer)
  })

  test('a later start reuses every client; a missing or deleted one is created again, alone', async () => {
    const first = await provision()
    assert.deepEqual(await provision(), first)

    const { service: _dropped, ...withoutService } = first
    await writeFile(file, JSON.stringify(withoutService))
    await keyward.core.stores.clients.delete(first.spa.clientId)
    const again = await provision()
    assert.notEqual(again.service.clientId, first.service.clientId)
    assert.notEqual(again.spa.clientId, first.spa.clientId)
    assert.deepEqual({ ...again, service: first.service, spa: first.spa }, first)
    assert.deepEqual(await saved(), again)
    await clientOf(again, 'service')
    await clientOf(again, 'spa')
  })

  test('a start on other ports registers the redirecting clients again, for their new addresses', async () => {
    const before = await provision()
    const config = { ...keyward.core.config, port: keyward.core.config.port + 10 }
    const moved = await provisionDemo({ ...keyward.core, config }, dataDir)
    for (const name of ['webApp', 'spa', 'legacyImplicit'] as const) {
      assert.notEqual(moved[name].clientId, before[name].clientId, `${name} is registered again`)
    }
    assert.deepEqual((await clientOf(moved, 'spa')).redirectUris, [
      `http://127.0.0.1:${config.port + 3}/callback`,
    ])
    for (const name of ['deviceCli', 'service', 'legacyPassword'] as const) {
      assert.equal(moved[name].clientId, before[name].clientId, `${name} has no redirect URI to move`)
    }
  })

  test('each example app can be moved alone: its client is registered for the port the environment names', async () => {
    const port = keyward.core.config.port
    const ports = demoPorts({ DEMO_SPA_PORT: '45678' }, port)
    assert.deepEqual(ports, {
      webApp: port + 1,
      api: port + 2,
      spa: 45678,
      legacyImplicit: port + 4,
      mcp: port + 5,
    })
    const clients = await provisionDemo(keyward.core, dataDir, ports)
    assert.deepEqual((await clientOf(clients, 'spa')).redirectUris, ['http://127.0.0.1:45678/callback'])
    assert.deepEqual((await clientOf(clients, 'webApp')).redirectUris, [
      `http://127.0.0.1:${port + 1}/callback`,
    ])
    for (const text of ['0', '65536', 'http', '80.5']) {
      assert.throws(
        () => demoPorts({ DEMO_API_PORT: text }, port),
        (error) =>
          error instanceof ConfigError && error.message.includes(`DEMO_API_PORT: "${text}" is not a port`),
      )
    }
  })

  test('the CLI examples read the saved clients, the issuer and the API address from the environment', async () => {
    const clients = await provision()
    const settings = demoSettings({ KEYWARD_DATA_DIR: dataDir, KEYWARD_ISSUER: 'http://127.0.0.1:19500' })
    assert.deepEqual(settings, {
      issuer: 'http://127.0.0.1:19500',
      apiUrl: 'http://127.0.0.1:19502',
      clients,
    })
    assert.deepEqual(demoSettings({ KEYWARD_DATA_DIR: dataDir }).issuer, 'http://127.0.0.1:9000')
    assert.deepEqual(demoSettings({ KEYWARD_DATA_DIR: dataDir }).apiUrl, 'http://127.0.0.1:9002')
    const elsewhere = demoSettings({ KEYWARD_DATA_DIR: dataDir, EXAMPLE_API_URL: 'http://127.0.0.1:4000' })
    assert.equal(elsewhere.apiUrl, 'http://127.0.0.1:4000')
    const { deviceCli: _missing, ...older } = clients
    await writeFile(file, JSON.stringify(older))
    assert.throws(
      () => demoSettings({ KEYWARD_DATA_DIR: dataDir }),
      /has no deviceCli client: restart the demo/,
    )
    assert.throws(
      () => demoSettings({ KEYWARD_DATA_DIR: join(dataDir, 'nothing-here') }),
      /does not exist: start the demo first \(npm start\)/,
    )
  })
})
