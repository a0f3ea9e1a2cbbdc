import assert from 'node:assert/strict'
import { introspectToken } from '../../src/core/endpoints/introspect.ts'
import { InvalidToken } from '../../src/core/errors.ts'
import { userinfo } from '../../src/core/oidc/userinfo.ts'
import type { EndpointResult } from '../../src/core/model/endpoint-result.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { OPAQUE_ACCESS_TOKEN_PREFIX } from '../../src/core/tokens/issue.ts'
import { jsonResult } from '../../src/core/results.ts'
import { coreOn } from '../support/core-context.ts'
import { eventually } from '../support/eventually.ts'
import * as make from '../support/fixtures.ts'
import type { CacheFixture } from './client-cache-contract.ts'

/**
 * Introspecting an opaque token, once the clients are cached, is one statement: the token read with its grant,
 * whose revocation it reports at once. (Before the cache holds on PostgreSQL, the client lookups read through.)
 */
export async function introspectionIsOneStatement(fixture: Pick<CacheFixture, 'stores' | 'statements'>) {
  const { stores } = fixture
  const { context, clock } = await coreOn(stores)
  const secret = make.rawSecret()
  const resourceServer = make.client({ secretDigest: digest(secret), canIntrospect: true })
  const owner = { client: make.client(), user: make.user() }
  await stores.clients.create(resourceServer)
  await stores.clients.create(owner.client)
  await stores.users.create(owner.user)
  const grant = make.grant(owner, { createdAt: clock.now() })
  await stores.grants.create(grant)
  const token = `${OPAQUE_ACCESS_TOKEN_PREFIX}${make.rawSecret()}`
  const expiresAt = new Date(clock.now().getTime() + 600_000)
  await stores.tokens.createAccessToken(
    make.accessToken(grant, { key: digest(token), issuedAt: clock.now(), expiresAt, dpopJkt: null }),
  )
  const basic = Buffer.from(`${resourceServer.id}:${secret}`).toString('base64')
  const request = {
    params: new Map([['token', token]]),
    authorization: `Basic ${basic}`,
    address: '127.0.0.1',
  }
  const active = (result: EndpointResult) =>
    result.kind === 'json' && 'active' in result.body && result.body.active

  const inOneStatement = async (expected: boolean) => {
    const before = fixture.statements()
    const result = await introspectToken(request, context)
    assert.equal(active(result), expected)
    return fixture.statements() === before + 1
  }
  await eventually(
    () => inOneStatement(true),
    'introspection of an active token took more than one statement',
  )
  await stores.grants.revoke(grant.id, clock.now(), 'operator')
  await eventually(
    () => inOneStatement(false),
    'introspection of a revoked token took more than one statement',
  )
}

/**
 * UserInfo with an opaque token, once the clients are cached, is one statement too: the token read with its grant
 * and the grant's user (Keyward's own people), whose revocation it reports at once.
 */
export async function userinfoIsOneStatement(fixture: Pick<CacheFixture, 'stores' | 'statements'>) {
  const { stores } = fixture
  const { context, clock } = await coreOn(stores)
  const owner = { client: make.client(), user: make.user({ claims: { name: 'Ada' } }) }
  await stores.clients.create(owner.client)
  await stores.users.create(owner.user)
  const grant = make.grant(owner, { createdAt: clock.now(), scope: ['openid', 'profile'] })
  await stores.grants.create(grant)
  const token = `${OPAQUE_ACCESS_TOKEN_PREFIX}${make.rawSecret()}`
  const expiresAt = new Date(clock.now().getTime() + 600_000)
  await stores.tokens.createAccessToken(
    make.accessToken(grant, { key: digest(token), issuedAt: clock.now(), expiresAt, dpopJkt: null }),
  )
  const request = {
    params: new Map<string, string>(),
    authorization: `Bearer ${token}`,
    method: 'GET',
    address: '127.0.0.1',
  }

  const inOneStatement = async (active: boolean) => {
    const before = fixture.statements()
    const answer = userinfo(request, context)
    if (active)
      assert.deepEqual(
        await answer,
        jsonResult({ sub: owner.user.id, name: 'Ada', preferred_username: owner.user.username }),
      )
    else await assert.rejects(answer, InvalidToken)
    return fixture.statements() === before + 1
  }
  await eventually(() => inOneStatement(true), 'UserInfo took more than one statement')
  await stores.grants.revoke(grant.id, clock.now(), 'operator')
  await eventually(() => inOneStatement(false), 'UserInfo of a revoked token took more than one statement')
}
