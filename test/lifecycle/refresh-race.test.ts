import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startTestServer, type TestServer } from '../support/server.ts'
import { createPostgresDatabase } from '../support/postgres.ts'
import { grantTokens, introspect, onlyGrantOf, refresh, resourceServer } from './tokens.ts'

describe('racing refreshes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>
  let server: TestServer
  before(async () => {
    database = await createPostgresDatabase('lifecycle')
    server = await startTestServer({ databaseUrl: database.url })
  })
  after(async () => {
    await server?.close()
    await database?.drop()
  })

  test('20 concurrent uses of one refresh token yield exactly one success (RFC 9700 §4.14.2)', async () => {
    const app = await server.client({})
    const api = await resourceServer(server)
    const user = await server.user()
    const tokens = await grantTokens(server, app, user)

    const replies = await Promise.all(
      Array.from({ length: 20 }, () => refresh(server, app, tokens.refreshToken)),
    )
    const succeeded = replies.filter((reply) => reply.status === 200)
    assert.equal(succeeded.length, 1, JSON.stringify(replies.map((reply) => reply.status)))
    for (const reply of replies.filter((candidate) => candidate.status !== 200)) {
      assert.equal(reply.status, 400)
      assert.equal(reply.json.error, 'invalid_grant')
    }
    // Every loser presented a rotated token: reuse, so the winner's tokens die with the grant.
    assert.equal((await onlyGrantOf(server, user.id)).revokedReason, 'refresh_reuse')
    const winner = succeeded[0]?.json ?? {}
    assert.deepEqual(await introspect(server, api, String(winner.refresh_token)), { active: false })
    assert.deepEqual(await introspect(server, api, String(winner.access_token)), { active: false })
  })
})
