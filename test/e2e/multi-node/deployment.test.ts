import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeProtectedHeader } from 'jose'
import { createVerifier, verifyAccessToken } from '../../../packages/resource-server/src/index.ts'
import { jsonOf, runCli } from '../../support/cli.ts'
import type { ClockedKeywardProcess } from '../../support/keyward-process.ts'
import { eventually } from '../../support/eventually.ts'
import { REDIS_URL } from '../../support/redis.ts'
import { type Deployment, startDeployment } from './deployment.ts'
import { clientCredentials, tokensOf } from '../../support/oauth-client.ts'

describe('two Keyward processes on one PostgreSQL database and one Redis', () => {
  let deployment: Deployment
  let a: ClockedKeywardProcess
  let b: ClockedKeywardProcess
  before(async () => {
    deployment = await startDeployment([{}, {}], { KEYWARD_REDIS_URL: REDIS_URL })
    ;[a, b] = deployment.nodes as [ClockedKeywardProcess, ClockedKeywardProcess]
  })
  after(() => deployment?.close())

  const service = () => deployment.addClient({ grantTypes: ['client_credentials'], redirectUris: [] })

  test('a client created with the CLI is usable on both nodes at once, and a rotated secret is seen by both', async () => {
    const result = jsonOf<{ client_id: string; client_secret: string }>(
      await runCli(
        ['clients', 'create', '--kind', 'service', '--name', 'Nightly export', '--json'],
        deployment.env,
      ),
    )
    const client = await deployment.stores.clients.get(result.client_id)
    assert.ok(client)
    const registered = { client, secret: result.client_secret }
    for (const node of [a, b]) tokensOf(await clientCredentials(node, registered))

    const rotated = jsonOf<{ client_secret: string }>(
      await runCli(['clients', 'rotate-secret', client.id, '--json'], deployment.env),
    )
    // Both nodes cached the client; PostgreSQL tells them it changed (no poll interval to wait out).
    for (const node of [a, b]) {
      await eventually(
        async () => (await clientCredentials(node, registered)).status === 401,
        `${node.issuer} still accepts the old secret`,
      )
      tokensOf(await clientCredentials(node, { client, secret: rotated.client_secret }))
    }
  })

  test('keyward keys rotate: both nodes sign with the new key, and each publishes the keys the other signs with', async () => {
    const registered = await service()
    const kidAt = async (node: ClockedKeywardProcess) => {
      const token = tokensOf(await clientCredentials(node, registered)).accessToken
      return { token, kid: decodeProtectedHeader(token).kid }
    }
    const before = await kidAt(a)
    assert.equal((await kidAt(b)).kid, before.kid)

    const rotated = await runCli(['keys', 'rotate'], deployment.env)
    assert.equal(rotated.code, 0, rotated.stderr)
    const [newKey] = jsonOf<{ kid: string }[]>(await runCli(['keys', 'list', '--json'], deployment.env))
    assert.ok(newKey && newKey.kid !== before.kid)

    // Well within the minute the nodes used to wait before reloading their keys.
    for (const node of [a, b]) {
      await eventually(
        async () => (await kidAt(node)).kid === newKey.kid,
        `${node.issuer} never signed with the new key`,
      )
    }
    // A resource server that fetches the JWKS from the other node accepts tokens signed at either, old and new.
    const signedAtA = await kidAt(a)
    const signedAtB = await kidAt(b)
    for (const [token, issuer, jwksFrom] of [
      [signedAtA.token, a.issuer, b],
      [signedAtB.token, b.issuer, a],
      [before.token, a.issuer, b],
    ] as const) {
      const verifier = createVerifier({ issuer, audience: issuer, jwksUri: `${jwksFrom.issuer}/jwks.json` })
      assert.equal((await verifyAccessToken(token, verifier)).clientId, registered.client.id)
    }
  })
})
