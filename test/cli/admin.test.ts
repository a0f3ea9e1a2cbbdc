import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { adminCall } from '../support/admin-api.ts'
import { clientsCreate, jsonOf, runCli, serverAtHome } from '../support/cli.ts'
import { eventsNamed } from '../support/events.ts'
import { clientCredentials, tokensOf } from '../support/oauth-client.ts'

interface CreatedClient {
  readonly client_id: string
  readonly client_secret: string
  readonly scope: string
  readonly grant_types: string[]
}

// An operator bootstraps the admin API from the command line, beside a running server on the same database.
const { home, server } = await serverAtHome()

describe('keyward admin create-client', () => {
  const credentialsOf = async (created: CreatedClient) => {
    const client = await server.core.stores.clients.get(created.client_id)
    assert.ok(client)
    return { client, secret: created.client_secret }
  }

  test('makes a client_credentials client with both admin scopes; its secret is shown once and works', async () => {
    const result = await runCli(['admin', 'create-client', '--name', 'Deployment pipeline'], home.env)
    assert.equal(result.code, 0, result.stderr)
    const secret = /client_secret: (\S+)/.exec(result.stdout)?.[1]
    const id = /client_id: +(\S+)/.exec(result.stdout)?.[1]
    assert.ok(secret && id, result.stdout)
    assert.match(result.stdout, /shown once/)
    assert.match(result.stdout, /admin\/openapi\.json/)
    const created = { client_id: id, client_secret: secret, scope: '', grant_types: [] }
    const { accessToken, scope } = tokensOf(await clientCredentials(server, await credentialsOf(created)))
    assert.equal(scope, 'admin:read admin:write')
    const listed = await adminCall(server, accessToken, 'GET', '/admin/clients')
    assert.equal(listed.status, 200)
    const shown = jsonOf<{ client_secret?: string }>(
      await runCli(['clients', 'show', id, '--json'], home.env),
    )
    assert.equal(shown.client_secret, undefined, 'never shown again')
    assert.equal(eventsNamed([result.stderr], 'client_created').length, 1, 'a security event on stderr')
  })

  test('--read-only gives admin:read alone', async () => {
    const created = jsonOf<CreatedClient>(
      await runCli(['admin', 'create-client', '--name', 'Audit', '--read-only', '--json'], home.env),
    )
    assert.equal(created.scope, 'admin:read')
    assert.deepEqual(created.grant_types, ['client_credentials'])
    const { accessToken } = tokensOf(await clientCredentials(server, await credentialsOf(created)))
    assert.equal((await adminCall(server, accessToken, 'POST', '/admin/keys/rotate')).status, 403)
  })

  test('keyward lint finds nothing to say about admin clients', async () => {
    const result = await runCli(['lint', '--json'], home.env)
    const findings = JSON.parse(result.stdout) as { clientId?: string; id: string }[]
    const admins = (await server.core.stores.clients.list()).filter((client) =>
      client.scopes.includes('admin:read'),
    )
    assert.ok(admins.length > 0)
    const about = findings.filter((finding) => admins.some((client) => client.id === finding.clientId))
    assert.deepEqual(about, [])
  })

  test('no other command gives an admin scope', async () => {
    const refused = await runCli(
      clientsCreate('Sneaky', { 'grant-types': 'client_credentials', scopes: 'admin:read' }),
      home.env,
    )
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /admin:read is not defined/)
  })

  test('a configuration that defines an admin scope is refused', async () => {
    const file = join(home.directory, 'admin-scope.json')
    const scopes = [
      { name: 'read', description: 'Read' },
      { name: 'admin:write', description: 'Everything' },
    ]
    writeFileSync(file, JSON.stringify({ scopes }))
    const result = await runCli(['clients', 'list'], { ...home.env, KEYWARD_CONFIG: file })
    assert.equal(result.code, 1)
    assert.match(result.stderr, /reserved for the admin API/)
  })
})
