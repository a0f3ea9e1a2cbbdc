import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digest } from '../../src/core/protocol/digest.ts'
import { jsonOf, runCli, serverAtHome } from '../support/cli.ts'
import { register, webAppMetadata } from '../support/registration.ts'

interface TokenRow {
  readonly id: string
  readonly uses_left: number
  readonly created_at: string
  readonly expires_at: string
  readonly token?: string
}

const { home, server } = await serverAtHome({ registration: { policy: 'token' } })

describe('keyward registration-tokens', () => {
  const env = { ...home.env, KEYWARD_REGISTRATION_POLICY: 'token' }
  const cli = (...argv: string[]) => runCli(argv, env)

  test('create shows the token once; it registers as many clients as --uses says', async () => {
    const created = jsonOf<TokenRow>(
      await cli('registration-tokens', 'create', '--uses', '2', '--ttl', '2h', '--json'),
    )
    assert.equal(created.uses_left, 2)
    assert.equal(Date.parse(created.expires_at) - Date.parse(created.created_at), 2 * 3600 * 1000)
    const token = String(created.token)
    assert.equal((await register(server, webAppMetadata, token)).status, 201)
    const [listed, ...others] = jsonOf<TokenRow[]>(await cli('registration-tokens', 'list', '--json'))
    assert.equal(others.length, 0)
    const { token: _shownOnce, ...record } = created
    assert.deepEqual(listed, { ...record, uses_left: 1 }, 'the list never shows the token')
    const text = (await cli('registration-tokens', 'list')).stdout
    assert.match(text, new RegExp(`${created.id}\\s+1 uses left`))
    assert.equal(text.includes(token) || text.includes(digest(token)), false)
    assert.equal((await register(server, webAppMetadata, token)).status, 201)
    assert.equal((await register(server, webAppMetadata, token)).status, 401, 'used up')
  })

  test('the text output says the token is shown once; the defaults are one use for a day', async () => {
    const result = await cli('registration-tokens', 'create')
    assert.equal(result.code, 0)
    assert.match(result.stdout, /token: +\S{43}/)
    assert.match(result.stdout, /shown once/)
    assert.match(result.stdout, /uses: +1\n/)
  })

  test('revoke ends a token at once; the clients it registered stay', async () => {
    const created = jsonOf<TokenRow>(await cli('registration-tokens', 'create', '--uses', '5', '--json'))
    const registered = await register(server, webAppMetadata, String(created.token))
    assert.equal((await cli('registration-tokens', 'revoke', created.id)).code, 0)
    assert.equal((await register(server, webAppMetadata, String(created.token))).status, 401)
    assert.notEqual(await server.core.stores.clients.get(String(registered.json.client_id)), null)
    const again = await cli('registration-tokens', 'revoke', created.id)
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /No registration token/)
  })

  test('bad --ttl and --uses are usage errors, and nothing is created', async () => {
    const before = jsonOf<TokenRow[]>(await cli('registration-tokens', 'list', '--json')).length
    for (const argv of [
      ['--ttl', 'soon'],
      ['--ttl', '31d'],
      ['--ttl', '0'],
      ['--uses', '0'],
      ['--uses', 'many'],
      ['--uses', '1001'],
    ]) {
      const result = await cli('registration-tokens', 'create', ...argv)
      assert.notEqual(result.code, 0, argv.join(' '))
      assert.match(result.stderr, /--ttl|--uses|initial access token/, argv.join(' '))
    }
    assert.equal(jsonOf<TokenRow[]>(await cli('registration-tokens', 'list', '--json')).length, before)
  })

  test('creating a token while tokens are not required warns', async () => {
    const result = await runCli(['registration-tokens', 'create'], {
      ...home.env,
      KEYWARD_REGISTRATION_POLICY: 'open',
    })
    assert.equal(result.code, 0)
    assert.match(result.stderr, /registration policy is open/)
  })
})

describe('keyward clients shows which clients registered themselves', () => {
  test('list marks them; show says whether they were used yet', async () => {
    const { token } = jsonOf<TokenRow>(
      await runCli(['registration-tokens', 'create', '--json'], {
        ...home.env,
        KEYWARD_REGISTRATION_POLICY: 'token',
      }),
    )
    const registered = await register(server, { ...webAppMetadata, client_name: 'Self-made' }, String(token))
    const clientId = String(registered.json.client_id)
    assert.match((await runCli(['clients', 'list'], home.env)).stdout, /Self-made {2}\(registered itself\)/)
    const shown = jsonOf<Record<string, unknown>>(
      await runCli(['clients', 'show', clientId, '--json'], home.env),
    )
    assert.equal(shown.registered_dynamically, true)
    assert.equal(shown.first_used_at, null)
  })
})
