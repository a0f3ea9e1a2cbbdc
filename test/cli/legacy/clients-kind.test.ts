import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { type ClientKind, clientKinds } from '../../../src/core/advisor/presets.ts'
import { DEVICE_CODE } from '../../../src/core/protocol/grant-types.ts'
import { cliHome, jsonOf, runCli, clientsCreate } from '../../support/cli.ts'

interface ShownClient {
  readonly client_id: string
  readonly client_type: string
  readonly token_endpoint_auth_method: string
  readonly grant_types: readonly string[]
  readonly redirect_uris: readonly string[]
  readonly legacy_flows: readonly string[]
  readonly lifetimes: Record<string, number>
}

const DAY = 24 * 60 * 60
const standardRefresh = { refreshIdle: 14 * DAY, refreshAbsolute: 90 * DAY }

// What each kind must come out as: written out here, not read from the presets, so a changed preset shows.
const PRESETS: Readonly<
  Record<
    ClientKind,
    Pick<ShownClient, 'client_type' | 'token_endpoint_auth_method' | 'grant_types' | 'lifetimes'>
  >
> = {
  web: {
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    lifetimes: { accessToken: 600, ...standardRefresh },
  },
  spa: {
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    lifetimes: { accessToken: 600, refreshIdle: DAY, refreshAbsolute: 7 * DAY },
  },
  native: {
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    lifetimes: { accessToken: 600, ...standardRefresh },
  },
  device: {
    client_type: 'public',
    token_endpoint_auth_method: 'none',
    grant_types: [DEVICE_CODE, 'refresh_token'],
    lifetimes: { accessToken: 600, ...standardRefresh },
  },
  service: {
    client_type: 'confidential',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    lifetimes: { accessToken: 600 },
  },
}

const REDIRECTS: Readonly<Record<ClientKind, string | null>> = {
  web: 'https://app.example/callback',
  spa: 'https://spa.example/callback',
  native: 'http://127.0.0.1/callback',
  device: null,
  service: null,
}

describe('keyward clients create --kind and --allow-legacy', () => {
  const home = cliHome()
  after(() => home.remove())

  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('the kinds are exactly web, spa, native, device and service', () => {
    assert.deepEqual([...clientKinds].sort(), Object.keys(PRESETS).sort())
  })

  for (const kind of clientKinds) {
    test(`--kind ${kind} creates exactly the preset's settings`, async () => {
      const redirect = REDIRECTS[kind]
      const created = jsonOf<ShownClient & { client_secret?: string }>(
        await cli(
          'clients',
          'create',
          '--name',
          `A ${kind} client`,
          '--kind',
          kind,
          ...(redirect === null ? [] : ['--redirect-uris', redirect]),
          '--json',
        ),
      )
      assert.equal(created.client_secret === undefined, PRESETS[kind].client_type === 'public')
      const shown = jsonOf<ShownClient>(await cli('clients', 'show', created.client_id, '--json'))
      const { client_type, token_endpoint_auth_method, grant_types, lifetimes } = shown
      assert.deepEqual({ client_type, token_endpoint_auth_method, grant_types, lifetimes }, PRESETS[kind])
      assert.deepEqual(shown.legacy_flows, [])
      assert.deepEqual(shown.redirect_uris, redirect === null ? [] : [redirect])
    })
  }

  test('--kind with --type, --grant-types or --auth-method is refused with exit 1', async () => {
    for (const extra of [
      ['--type', 'public'],
      ['--grant-types', 'client_credentials'],
      ['--auth-method', 'client_secret_post'],
    ]) {
      const result = await cli('clients', 'create', '--name', 'Mixed', '--kind', 'service', ...extra)
      assert.equal(result.code, 1, `--kind with ${extra[0]}`)
      assert.match(result.stderr, /--kind sets --type, --grant-types and --auth-method/)
      assert.equal(result.stdout, '')
    }
  })

  test('an unknown --kind is refused with exit 1 and the list of kinds', async () => {
    const result = await cli(...clientsCreate('TV', { kind: 'tv' }))
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--kind is one of web, spa, native, device, service/)
  })

  test('a legacy grant without --allow-legacy is refused with exit 1, and nothing is stored', async () => {
    const before = home.count('clients')
    for (const [grantTypes, flow] of [
      ['password', 'password'],
      ['implicit', 'implicit'],
    ]) {
      const result = await cli(
        ...clientsCreate('Old app', {
          'grant-types': String(grantTypes),
          'redirect-uris': 'https://old.example/callback',
        }),
      )
      assert.equal(result.code, 1)
      assert.match(result.stderr, new RegExp(`explicit --allow-legacy ${flow}`))
    }
    assert.equal(home.count('clients'), before)
  })

  test('--allow-legacy password creates the client and states the risk on stderr', async () => {
    const result = await cli(
      'clients',
      'create',
      '--name',
      'Old desktop app',
      '--grant-types',
      'password,refresh_token',
      '--allow-legacy',
      'password',
      '--json',
    )
    const created = jsonOf<ShownClient>(result)
    assert.deepEqual(created.grant_types, ['password', 'refresh_token'])
    assert.deepEqual(created.legacy_flows, ['password'])
    assert.match(result.stderr, /^Warning: The password grant is enabled/m)
    assert.match(result.stderr, /RFC 9700 §2\.4/)
    assert.ok(!result.stdout.includes('Warning'), 'stdout stays the JSON alone')
  })

  test('--allow-legacy implicit does the same for the implicit flow', async () => {
    const result = await cli(
      ...clientsCreate('Old SPA', {
        type: 'public',
        'grant-types': 'implicit',
        'redirect-uris': 'https://old-spa.example/callback',
        'allow-legacy': 'implicit',
        json: true,
      }),
    )
    assert.deepEqual(jsonOf<ShownClient>(result).legacy_flows, ['implicit'])
    assert.match(result.stderr, /^Warning: The implicit flow is enabled/m)
  })

  test('a client without a legacy flow is created without a warning', async () => {
    const result = await cli(...clientsCreate('Quiet', { kind: 'service', json: true }))
    assert.equal(result.code, 0)
    const [event, ...others] = result.stderr.split('\n').filter(Boolean)
    assert.equal(JSON.parse(event ?? '').event, 'client_created', 'stderr has the security event alone')
    assert.deepEqual(others, [])
  })
})
