import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { basicAuthorization, postToken } from '../support/oauth-client.ts'
import { jsonOf, runCli, serverAtHome, clientsCreate } from '../support/cli.ts'
import { dpopKey, dpopProof } from '../support/dpop.ts'

interface DescribedClient {
  readonly client_id: string
  readonly client_name: string
  readonly client_type: string
  readonly client_secret?: string
  readonly token_endpoint_auth_method: string
  readonly grant_types: readonly string[]
}

// A server running on the same database the CLI writes to.
const { home, server } = await serverAtHome()

describe('keyward clients', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('create --json shows a confidential client its secret once, and the running server accepts it', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Billing job', { 'grant-types': 'client_credentials', json: true })),
    )
    assert.equal(created.client_type, 'confidential')
    assert.equal(created.token_endpoint_auth_method, 'client_secret_basic')
    assert.deepEqual(created.grant_types, ['client_credentials'])
    assert.match(created.client_secret ?? '', /^[A-Za-z0-9_-]{43}$/)
    const secret = created.client_secret ?? ''

    const reply = await postToken(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(created.client_id, secret) },
    )
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    const wrong = await postToken(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(created.client_id, `${secret}x`) },
    )
    assert.equal(wrong.status, 401)
    // architecture §5: only the digest is at rest.
    assert.equal(JSON.stringify(home.rows('clients')).includes(secret), false)
  })

  test('create --jwks-uri registers a private_key_jwt client by where it publishes its keys', async () => {
    const created = jsonOf<DescribedClient & { jwks_uri?: string }>(
      await cli(
        ...clientsCreate('Key job', {
          'grant-types': 'client_credentials',
          'auth-method': 'private_key_jwt',
          'jwks-uri': 'https://keys.example/jwks.json',
          json: true,
        }),
      ),
    )
    assert.equal(created.token_endpoint_auth_method, 'private_key_jwt')
    assert.equal(created.jwks_uri, 'https://keys.example/jwks.json')
    assert.equal(created.client_secret, undefined)
    const plain = await cli(
      ...clientsCreate('Plain key job', {
        'grant-types': 'client_credentials',
        'auth-method': 'private_key_jwt',
        'jwks-uri': 'http://keys.example/jwks.json',
      }),
    )
    assert.notEqual(plain.code, 0)
    assert.match(plain.stderr, /not an https URL/)
  })

  test('create --require-dpop: the running server refuses the client a token without a DPoP proof', async () => {
    const created = jsonOf<DescribedClient & { dpop_bound_access_tokens: boolean }>(
      await cli(
        ...clientsCreate('DPoP job', {
          'grant-types': 'client_credentials',
          'require-dpop': true,
          json: true,
        }),
      ),
    )
    assert.equal(created.dpop_bound_access_tokens, true)
    const authorization = basicAuthorization(created.client_id, created.client_secret ?? '')
    const refused = await postToken(server, { grant_type: 'client_credentials' }, { authorization })
    assert.equal(refused.status, 400)
    assert.equal(refused.json.error, 'invalid_dpop_proof')
    const key = await dpopKey()
    const dpop = await dpopProof(key, { htu: `${server.issuer}/token` })
    const bound = await postToken(server, { grant_type: 'client_credentials' }, { authorization, dpop })
    assert.equal(bound.json.token_type, 'DPoP')
  })

  test('rotate-secret: the new secret works at once at the running server, the old one no longer', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Rotated job', { 'grant-types': 'client_credentials', json: true })),
    )
    const rotated = jsonOf<{ client_id: string; client_secret: string }>(
      await cli('clients', 'rotate-secret', created.client_id, '--json'),
    )
    assert.equal(rotated.client_id, created.client_id)
    assert.notEqual(rotated.client_secret, created.client_secret)
    const token = (secret: string) =>
      postToken(
        server,
        { grant_type: 'client_credentials' },
        { authorization: basicAuthorization(created.client_id, secret) },
      )
    assert.equal((await token(rotated.client_secret)).status, 200)
    assert.equal((await token(created.client_secret ?? '')).status, 401)
    assert.equal(JSON.stringify(home.rows('clients')).includes(rotated.client_secret), false)

    const publicClient = jsonOf<DescribedClient>(
      await cli(
        'clients',
        'create',
        '--kind',
        'spa',
        '--name',
        'SPA',
        '--redirect-uris',
        'https://spa.example/cb',
        '--json',
      ),
    )
    const refused = await cli('clients', 'rotate-secret', publicClient.client_id)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /public client: it has no secret/)
  })

  test('a client deleted with the CLI is refused at once by the running server', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Retired job', { 'grant-types': 'client_credentials', json: true })),
    )
    const authorization = basicAuthorization(created.client_id, created.client_secret ?? '')
    assert.equal(
      (await postToken(server, { grant_type: 'client_credentials' }, { authorization })).status,
      200,
    )
    assert.equal((await cli('clients', 'delete', created.client_id)).code, 0)
    const refused = await postToken(server, { grant_type: 'client_credentials' }, { authorization })
    assert.equal(refused.status, 401)
    assert.equal(refused.json.error, 'invalid_client')
  })

  test('create --json for a public client prints no secret', async () => {
    const result = await cli(
      ...clientsCreate('Photo SPA', {
        type: 'public',
        'redirect-uris': 'http://127.0.0.1:5173/callback',
        json: true,
      }),
    )
    const created = jsonOf<DescribedClient>(result)
    assert.equal(created.client_type, 'public')
    assert.equal(created.token_endpoint_auth_method, 'none')
    assert.equal('client_secret' in created, false)
    assert.equal(result.stdout.includes('secret'), false)
  })

  test('the text output of create says the secret is shown once', async () => {
    const result = await cli(...clientsCreate('Reports', { 'grant-types': 'client_credentials' }))
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /client_id: +\S+/)
    assert.match(result.stdout, /client_secret: +\S{43}/)
    assert.match(result.stdout, /shown once/)
  })

  test('an unsafe registration exits 1 listing every problem, and stores nothing', async () => {
    const before = home.count('clients')
    const result = await cli(
      'clients',
      'create',
      '--name',
      'Unsafe',
      '--type',
      'public',
      '--grant-types',
      'authorization_code,client_credentials',
      '--redirect-uris',
      'http://app.example/callback',
    )
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '))
    assert.equal(problems.length, 2, result.stderr)
    assert.match(result.stderr, /client_credentials/)
    assert.match(result.stderr, /http:\/\/app\.example\/callback/)
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'a mistake the operator can fix is not a stack trace')
    assert.equal(home.count('clients'), before)
  })

  test('list, show and delete', async () => {
    const created = jsonOf<DescribedClient>(
      await cli(...clientsCreate('Doomed app', { 'redirect-uris': 'https://doomed.example/cb', json: true })),
    )
    const listed = jsonOf<DescribedClient[]>(await cli('clients', 'list', '--json'))
    const entry = listed.find((client) => client.client_id === created.client_id)
    assert.equal(entry?.client_name, 'Doomed app')
    assert.equal(
      listed.some((client) => 'client_secret' in client),
      false,
    )
    const text = await cli('clients', 'list')
    assert.match(text.stdout, new RegExp(`${created.client_id}\\s+confidential\\s+Doomed app`))

    const shown = jsonOf<DescribedClient>(await cli('clients', 'show', created.client_id, '--json'))
    assert.equal(shown.client_id, created.client_id)
    assert.equal('client_secret' in shown, false)

    const deleted = await cli('clients', 'delete', created.client_id)
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.match(deleted.stdout, /Deleted client/)
    const gone = await cli('clients', 'show', created.client_id)
    assert.equal(gone.code, 1)
    assert.match(gone.stderr, new RegExp(`No client ${created.client_id}`))
    assert.equal((await cli('clients', 'delete', created.client_id)).code, 1)
    const after = jsonOf<DescribedClient[]>(await cli('clients', 'list', '--json'))
    assert.equal(
      after.some((client) => client.client_id === created.client_id),
      false,
    )
  })
})
