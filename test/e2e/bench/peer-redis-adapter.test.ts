import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, test } from 'node:test'
import { Redis } from 'ioredis'
import { redisAdapter } from '../../../bench/servers/peer-redis-adapter.ts'
import { deleteKeys, REDIS_URL } from '../../support/redis.ts'

// The bench's oidc-provider adapter on Redis, through the interface oidc-provider calls, on a prefix of its own.
const prefix = `keyward-test:peer-adapter:${randomBytes(6).toString('hex')}:`
const redis = new Redis(`${REDIS_URL}/15`, { keyPrefix: prefix, maxRetriesPerRequest: 1 })
const adapterFor = redisAdapter(redis)
after(async () => {
  // KEYS does not add the connection's prefix to its pattern, so this one has none.
  const plain = new Redis(`${REDIS_URL}/15`)
  await deleteKeys(plain, prefix)
  plain.disconnect()
  redis.disconnect()
})

test('a record is found as it was saved, expires with its TTL, and is gone once destroyed', async () => {
  const grants = adapterFor('Grant')
  await grants.upsert('g1', { accountId: 'alice', clientId: 'web' }, 60)
  assert.deepEqual(await grants.find('g1'), { accountId: 'alice', clientId: 'web' })
  const ttl = await redis.ttl('Grant:g1')
  assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`)
  await grants.destroy('g1')
  assert.equal(await grants.find('g1'), undefined)
  assert.equal(await adapterFor('Grant').find('never-saved'), undefined)
})

test('a code is consumed in place, and saving it again starts it unspent', async () => {
  const codes = adapterFor('AuthorizationCode')
  await codes.upsert('c1', { grantId: 'g2', scope: 'openid' }, 60)
  assert.equal((await codes.find('c1'))?.consumed, undefined)
  await codes.consume('c1')
  const consumed = (await codes.find('c1'))?.consumed
  assert.equal(typeof consumed, 'number')
  assert.ok(Math.abs((consumed as number) - Date.now() / 1000) < 5)
  await codes.upsert('c1', { grantId: 'g2', scope: 'openid' }, 60)
  assert.equal((await codes.find('c1'))?.consumed, undefined)
})

test('a session is found by its uid, a device code by its user code', async () => {
  await adapterFor('Session').upsert('s1', { uid: 'u1', accountId: 'alice' }, 60)
  assert.deepEqual(await adapterFor('Session').findByUid('u1'), { uid: 'u1', accountId: 'alice' })
  assert.equal(await adapterFor('Session').findByUid('u-unknown'), undefined)
  await adapterFor('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH', grantId: 'g3' }, 60)
  assert.deepEqual(await adapterFor('DeviceCode').findByUserCode('ABCD-EFGH'), {
    userCode: 'ABCD-EFGH',
    grantId: 'g3',
  })
})

test("revoking a grant removes every token of it, of every model, and no other grant's", async () => {
  await adapterFor('AccessToken').upsert('a1', { grantId: 'g4' }, 60)
  await adapterFor('RefreshToken').upsert('r1', { grantId: 'g4' }, 600)
  await adapterFor('AccessToken').upsert('a2', { grantId: 'g5' }, 60)
  // The grant's set lives as long as its longest-lived member.
  const ttl = await redis.ttl('grant:g4')
  assert.ok(ttl > 60 && ttl <= 600, `TTL ${ttl}`)
  await adapterFor('RefreshToken').revokeByGrantId('g4')
  assert.equal(await adapterFor('AccessToken').find('a1'), undefined)
  assert.equal(await adapterFor('RefreshToken').find('r1'), undefined)
  assert.deepEqual(await adapterFor('AccessToken').find('a2'), { grantId: 'g5' })
})
