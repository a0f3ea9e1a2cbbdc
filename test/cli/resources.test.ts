import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { clientsCreate, jsonOf, runCli, serverAtHome } from '../support/cli.ts'
import { basicAuthorization, postToken, tokensOf } from '../support/oauth-client.ts'

interface DescribedResource {
  readonly resource: string
  readonly resource_name: string
  readonly scopes_supported: readonly string[]
  readonly access_token_format: string | null
  readonly access_token_lifetime: number | null
  readonly metadata_url: string | null
}

const ORDERS = 'https://orders.example/api'
const REPORTS = 'urn:example:reports'

// A server running on the same database the CLI writes to.
const { home, server } = await serverAtHome()

describe('keyward resources', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('create, list, show; a client made with --resource gets tokens for it from the running server', async () => {
    const orders = jsonOf<DescribedResource>(
      await cli(
        'resources',
        'create',
        '--identifier',
        ORDERS,
        '--name',
        'Orders API',
        '--scopes',
        'read',
        '--json',
      ),
    )
    assert.deepEqual(orders, {
      resource: ORDERS,
      resource_name: 'Orders API',
      scopes_supported: ['read'],
      access_token_format: null,
      access_token_lifetime: null,
      metadata_url: null,
      created_at: (orders as unknown as { created_at: string }).created_at,
    })
    const text = await cli(
      'resources',
      'create',
      '--identifier',
      REPORTS,
      '--name',
      'Reports',
      '--access-token-format',
      'jwt',
      '--access-token-ttl',
      '90',
    )
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /Created resource "Reports"\n {2}resource: urn:example:reports/)

    const listed = await cli('resources', 'list')
    assert.equal(listed.stdout, `${ORDERS}  Orders API\n${REPORTS}  Reports\n`)
    const shown = jsonOf<DescribedResource>(await cli('resources', 'show', REPORTS, '--json'))
    assert.equal(shown.access_token_lifetime, 90)
    assert.equal(shown.access_token_format, 'jwt')

    const created = jsonOf<{ client_id: string; client_secret: string; default_resources: string[] }>(
      await cli(
        ...clientsCreate('Orders job', { 'grant-types': 'client_credentials', scopes: 'read', json: true }),
        '--resource',
        ORDERS,
        '--resource',
        REPORTS,
      ),
    )
    assert.deepEqual(created.default_resources, [ORDERS, REPORTS])
    const authorization = basicAuthorization(created.client_id, created.client_secret)
    const tokens = tokensOf(await postToken(server, { grant_type: 'client_credentials' }, { authorization }))
    assert.deepEqual(decodeJwt(tokens.accessToken).aud, [ORDERS, REPORTS])
    assert.equal(tokens.expiresIn, 90)

    // Deleted: the running server no longer knows it, and the client's defaults no longer name it.
    const deleted = await cli('resources', 'delete', REPORTS)
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.match(deleted.stdout, new RegExp(`no longer a default resource of: ${created.client_id}`))
    const after = tokensOf(await postToken(server, { grant_type: 'client_credentials' }, { authorization }))
    assert.equal(decodeJwt(after.accessToken).aud, ORDERS)
    const named = await postToken(
      server,
      { grant_type: 'client_credentials', resource: REPORTS },
      { authorization },
    )
    assert.equal(named.json.error, 'invalid_target')
    assert.equal((await cli('resources', 'show', REPORTS)).stderr, `No resource ${REPORTS}.\n`)
    assert.equal((await cli('resources', 'delete', REPORTS)).code, 1)
  })

  test('a bad resource exits 1 listing every problem, and stores nothing', async () => {
    const before = home.count('resources')
    const result = await cli(
      'resources',
      'create',
      '--identifier',
      '/relative#frag',
      '--name',
      'Bad',
      '--scopes',
      'undefined-scope',
      '--serve-metadata',
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^The resource was not created:/)
    const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '))
    assert.equal(problems.length, 3, result.stderr)
    assert.equal(home.count('resources'), before)
    const format = await cli(
      'resources',
      'create',
      '--identifier',
      'urn:x',
      '--name',
      'X',
      '--access-token-format',
      'paseto',
    )
    assert.equal(format.code, 1)
    assert.match(format.stderr, /jwt or opaque/)
  })

  test('a client cannot default to a resource that is not registered', async () => {
    const before = home.count('clients')
    const result = await cli(
      ...clientsCreate('Lost job', { 'grant-types': 'client_credentials' }),
      '--resource',
      'https://nowhere.example/api',
    )
    assert.equal(result.code, 1)
    assert.match(result.stderr, /https:\/\/nowhere\.example\/api is not registered/)
    assert.equal(home.count('clients'), before)
  })
})
