import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InvalidToken } from '../../../src/core/errors.ts'
import { userinfo } from '../../../src/core/oidc/userinfo.ts'
import type { People } from '../../../src/core/ports/people.ts'
import { digest } from '../../../src/core/protocol/digest.ts'
import { jsonResult } from '../../../src/core/results.ts'
import { OPAQUE_ACCESS_TOKEN_PREFIX } from '../../../src/core/tokens/issue.ts'
import { memoryCore } from '../../support/core-context.ts'
import * as make from '../../support/fixtures.ts'

/** A person with a grant of openid and profile and an opaque access token under it. */
async function tokenOf(claims: Record<string, string>) {
  const core = await memoryCore()
  const owner = { client: make.client(), user: make.user({ claims }) }
  await core.stores.clients.create(owner.client)
  await core.stores.users.create(owner.user)
  const grant = make.grant(owner, { createdAt: core.clock.now(), scope: ['openid', 'profile'] })
  await core.stores.grants.create(grant)
  const token = `${OPAQUE_ACCESS_TOKEN_PREFIX}${make.rawSecret()}`
  const expiresAt = new Date(core.clock.now().getTime() + 600_000)
  await core.stores.tokens.createAccessToken(
    make.accessToken(grant, { key: digest(token), issuedAt: core.clock.now(), expiresAt, dpopJkt: null }),
  )
  const request = {
    params: new Map<string, string>(),
    authorization: `Bearer ${token}`,
    address: '127.0.0.1',
  }
  return { ...core, owner, request }
}

test("UserInfo answers with People's person when the people are not the user store's", async () => {
  const { context, owner, request } = await tokenOf({ name: 'As recorded at sign-in' })
  const elsewhere: People = {
    verify: async () => ({ verified: false }),
    find: async (id) =>
      id === owner.user.id ? { id, username: 'ada', claims: { name: 'As the app says' } } : null,
  }
  const answer = await userinfo(request, { ...context, people: elsewhere })
  assert.deepEqual(
    answer,
    jsonResult({ sub: owner.user.id, name: 'As the app says', preferred_username: 'ada' }),
  )
  const gone: People = { ...elsewhere, find: async () => null }
  await assert.rejects(userinfo(request, { ...context, people: gone }), InvalidToken)
})

test("UserInfo answers with the user read beside the token when the people are the user store's", async () => {
  const { context, owner, request } = await tokenOf({ name: 'Ada' })
  assert.equal(context.people.inUserStore, true)
  const answer = await userinfo(request, context)
  assert.deepEqual(
    answer,
    jsonResult({ sub: owner.user.id, name: 'Ada', preferred_username: owner.user.username }),
  )
})
