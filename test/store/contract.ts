import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { Grant } from '../../src/core/model/grant.ts'
import type { RefreshToken } from '../../src/core/model/token.ts'
import type { CodeRedemption, RefreshRotation, Stores } from '../../src/core/ports/stores.ts'
import type { AuthorizationCode } from '../../src/core/model/code.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import type { SqlDriver } from '../../src/store/sql/driver.ts'
import * as make from '../support/fixtures.ts'

const { at, t0 } = make

/** What a driver's test file hands the contract for each test: fresh stores over an empty, migrated database. */
export interface StoreFixture {
  readonly stores: Stores
  /** The database under the stores, to read every row of every table. */
  readonly database: SqlDriver
  /** The name of every table in that database. */
  readonly tables: readonly string[]
}

const schemaTables = [
  'access_tokens',
  'authorization_codes',
  'clients',
  'consents',
  'device_codes',
  'grants',
  'initial_access_tokens',
  'pushed_authorization_requests',
  'refresh_tokens',
  'resources',
  'schema_migrations',
  'sessions',
  'sign_in_unlocks',
  'signing_keys',
  'users',
]

const byIdentifier = (a: { identifier: string }, b: { identifier: string }) =>
  a.identifier < b.identifier ? -1 : 1

/** Racers for every single-use operation: enough that, on a pool, several run truly at once. */
const racers = 20

/** The behaviour every SQL Stores must have, and what they keep at rest; each driver's test file runs it. */
export function storeContract(open: () => Promise<StoreFixture>): void {
  storeBehaviourContract(open)
  atRestContract(open)
}

/** A test that opens fresh stores for its body and closes them after. */
function withFixture<Fixture extends Pick<StoreFixture, 'stores'>>(open: () => Promise<Fixture>) {
  return (name: string, body: (fixture: Fixture) => Promise<void>) =>
    test(name, async () => {
      const fixture = await open()
      try {
        await body(fixture)
      } finally {
        await fixture.stores.close()
      }
    })
}

/**
 * The behaviour every Stores implementation must have, through the port alone: the memory store runs this part,
 * having no database whose schema and rows the at-rest part reads.
 */
export function storeBehaviourContract(open: () => Promise<Pick<StoreFixture, 'stores'>>): void {
  const it = withFixture(open)

  /** The rotation of `token`, read under `grant`, that issues fresh tokens of that grant. */
  function rotationOf(token: RefreshToken, grant: Grant, when = at(1)) {
    return {
      digest: token.digest,
      grantId: grant.id,
      at: when,
      issued: {
        accessToken: make.accessToken(grant),
        refreshToken: make.refreshToken(grant, { replaces: token.digest }),
      },
    } satisfies RefreshRotation
  }

  /** The redemption of `code` that starts a fresh grant with its tokens. */
  function redemptionOf(code: AuthorizationCode, owner: Awaited<ReturnType<typeof owners>>) {
    const grant = make.grant(owner)
    return {
      digest: code.digest,
      at: at(2),
      grant,
      issued: { accessToken: make.accessToken(grant), refreshToken: make.refreshToken(grant) },
    } satisfies CodeRedemption
  }

  /** A client and a user to hang records off. */
  async function owners(stores: Stores) {
    const owner = { client: make.client(), user: make.user() }
    await stores.clients.create(owner.client)
    await stores.users.create(owner.user)
    return owner
  }

  /** A user's grant and one live refresh token of it, stored. */
  async function familyWithToken(stores: Stores) {
    const owner = await owners(stores)
    const family = make.grant(owner)
    await stores.grants.create(family)
    const token = make.refreshToken(family)
    await stores.tokens.createRefreshToken(token)
    return { owner, family, token }
  }

  describe('clients', () => {
    it('round-trips every field, including nulls, empty lists and absent lifetimes', async ({ stores }) => {
      const full = make.client()
      const bare = make.client({
        type: 'public',
        secretDigest: null,
        tokenEndpointAuthMethod: 'none',
        redirectUris: [],
        grantTypes: [],
        scopes: [],
        defaultScopes: [],
        legacyFlows: [],
        accessTokenFormat: 'jwt',
        lifetimes: { refreshIdle: 60 },
        canIntrospect: false,
        subjectType: 'public',
        idTokenSignedResponseAlg: 'RS256',
        sectorIdentifierUri: null,
      })
      await stores.clients.create(full)
      await stores.clients.create(bare)
      assert.deepEqual(await stores.clients.get(full.id), full)
      assert.deepEqual(await stores.clients.get(bare.id), bare)
      assert.equal(await stores.clients.get('nobody'), null)
    })

    it('update replaces every field', async ({ stores }) => {
      const before = make.client()
      await stores.clients.create(before)
      const after = make.client({
        id: before.id,
        name: 'Renamed',
        type: 'public',
        secretDigest: null,
        tokenEndpointAuthMethod: 'none',
        redirectUris: ['https://new.example/cb'],
        grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
        scopes: ['tv:watch'],
        defaultScopes: [],
        legacyFlows: [],
        accessTokenFormat: 'jwt',
        lifetimes: {},
        canIntrospect: false,
        subjectType: 'pairwise',
        idTokenSignedResponseAlg: 'ES256',
        sectorIdentifierUri: 'https://new.example/sector.json',
        createdAt: at(10),
        updatedAt: at(20),
      })
      await stores.clients.update(after)
      assert.deepEqual(await stores.clients.get(before.id), after)
    })

    it("keeps a client_secret_jwt client's sealed secret, replaced on rotation and cleared", async ({
      stores,
    }) => {
      const sealed = make.client({
        tokenEndpointAuthMethod: 'client_secret_jwt',
        encryptedSecret: make.rawSecret(),
      })
      await stores.clients.create(sealed)
      assert.deepEqual(await stores.clients.get(sealed.id), sealed)
      const rotated = {
        ...sealed,
        secretDigest: make.newDigest(),
        encryptedSecret: make.rawSecret(),
        updatedAt: at(5),
      }
      await stores.clients.update(rotated)
      assert.deepEqual(await stores.clients.get(sealed.id), rotated)
      const basic = {
        ...rotated,
        tokenEndpointAuthMethod: 'client_secret_basic' as const,
        encryptedSecret: null,
      }
      await stores.clients.update(basic)
      assert.deepEqual(await stores.clients.get(sealed.id), basic)
    })

    it('lists every client and refuses a duplicate id', async ({ stores }) => {
      const first = make.client({ createdAt: at(1) })
      const second = make.client({ createdAt: at(2) })
      await stores.clients.create(second)
      await stores.clients.create(first)
      assert.deepEqual(await stores.clients.list(), [first, second])
      await assert.rejects(stores.clients.create(first))
    })

    it('delete removes the client and everything that hangs off it, and nothing else', async ({ stores }) => {
      const doomed = await owners(stores)
      const kept = await owners(stores)
      const seeded = await seedEverything(stores, doomed)
      const other = await seedEverything(stores, kept)
      assert.equal(await stores.clients.delete(doomed.client.id), true)
      assert.equal(await stores.clients.delete(doomed.client.id), false)
      assert.equal(await stores.clients.get(doomed.client.id), null)
      await assertGone(stores, seeded)
      assert.equal(await stores.tokens.getAccessToken(seeded.clientJwt.key), null)
      assert.notEqual(await stores.users.get(doomed.user.id), null)
      assert.notEqual(
        await stores.sessions.get(seeded.session.digest),
        null,
        "the user's session is not the client's",
      )
      await assertPresent(stores, other)
    })
  })

  describe('users', () => {
    it('round-trips, finds by username, lists, and refuses a duplicate username', async ({ stores }) => {
      const bob = make.user({ username: 'bob' })
      const alice = make.user({ username: 'alice' })
      await stores.users.create(bob)
      await stores.users.create(alice)
      assert.deepEqual(await stores.users.get(bob.id), bob)
      assert.deepEqual(await stores.users.getByUsername('alice'), alice)
      assert.equal(await stores.users.getByUsername('carol'), null)
      assert.equal(await stores.users.get('nobody'), null)
      assert.deepEqual(await stores.users.list(), [alice, bob])
      await assert.rejects(stores.users.create(make.user({ username: 'bob' })))
    })

    it('recordExternal inserts a person once, then keeps their username current', async ({ stores }) => {
      const dana = make.user({ username: 'dana' })
      await stores.users.recordExternal(dana)
      assert.deepEqual(await stores.users.get(dana.id), dana)
      await stores.users.recordExternal({ ...dana, username: 'dana.b', createdAt: new Date(0) })
      assert.deepEqual(await stores.users.get(dana.id), { ...dana, username: 'dana.b' })
      assert.equal((await stores.users.list()).length, 1)
    })

    it('setPasswordHash replaces the hash of a known user only', async ({ stores }) => {
      const carol = make.user()
      await stores.users.create(carol)
      const hash = '$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA'
      assert.equal(await stores.users.setPasswordHash(carol.id, hash), true)
      assert.deepEqual(await stores.users.get(carol.id), { ...carol, passwordHash: hash })
      assert.equal(await stores.users.setPasswordHash('nobody', hash), false)
    })

    it('setClaims replaces the claims of a known user only, every value intact', async ({ stores }) => {
      const dana = make.user()
      await stores.users.create(dana)
      const claims = { given_name: 'Dana', phone_number: '+353 1 234', phone_number_verified: false }
      assert.equal(await stores.users.setClaims(dana.id, claims), true)
      assert.deepEqual(await stores.users.get(dana.id), { ...dana, claims })
      assert.equal(await stores.users.setClaims('nobody', claims), false)
    })

    it('delete removes the user and their sessions, codes, grants, tokens, consents and device codes', async ({
      stores,
    }) => {
      const doomed = await owners(stores)
      const kept = await owners(stores)
      const seeded = await seedEverything(stores, doomed)
      const other = await seedEverything(stores, kept)
      assert.equal(await stores.users.delete(doomed.user.id), true)
      assert.equal(await stores.users.delete(doomed.user.id), false)
      assert.equal(await stores.users.get(doomed.user.id), null)
      await assertGone(stores, seeded)
      assert.equal(await stores.sessions.get(seeded.session.digest), null)
      assert.notEqual(await stores.clients.get(doomed.client.id), null)
      assert.notEqual(
        await stores.tokens.getAccessToken(seeded.clientJwt.key),
        null,
        "the client's own token stays",
      )
      await assertPresent(stores, other)
    })
  })

  describe('dynamically registered clients', () => {
    it('round-trip their registration, links absent or present', async ({ stores }) => {
      const full = make.dynamicClient()
      const bare = make.dynamicClient({
        dynamicRegistration: { accessTokenDigest: make.newDigest(), links: {}, firstUsedAt: at(5) },
      })
      await stores.clients.create(full)
      await stores.clients.create(bare)
      assert.deepEqual(await stores.clients.get(full.id), full)
      assert.deepEqual(await stores.clients.get(bare.id), bare)
    })

    it('record their first use once, and never touch an operator client', async ({ stores }) => {
      const dynamic = make.dynamicClient()
      const operators = make.client()
      await stores.clients.create(dynamic)
      await stores.clients.create(operators)
      await stores.clients.recordFirstUse(dynamic.id, at(10))
      await stores.clients.recordFirstUse(dynamic.id, at(20))
      await stores.clients.recordFirstUse(operators.id, at(10))
      await stores.clients.recordFirstUse('nobody', at(10))
      assert.deepEqual((await stores.clients.get(dynamic.id))?.dynamicRegistration?.firstUsedAt, at(10))
      assert.deepEqual(await stores.clients.get(operators.id), operators)
    })

    it('unused ones created before the cut-off are deleted with what hangs off them', async ({ stores }) => {
      const doomed = make.dynamicClient({ createdAt: at(1) })
      const young = make.dynamicClient({ createdAt: at(100) })
      const used = make.dynamicClient({ createdAt: at(1) })
      const operators = make.client({ createdAt: at(1) })
      for (const client of [doomed, young, used, operators]) await stores.clients.create(client)
      await stores.clients.recordFirstUse(used.id, at(2))
      const user = make.user()
      await stores.users.create(user)
      const seeded = await seedEverything(stores, { client: doomed, user })
      assert.deepEqual(await stores.clients.deleteUnusedDynamic(at(50)), [doomed.id])
      assert.equal(await stores.clients.get(doomed.id), null)
      await assertGone(stores, seeded)
      for (const kept of [young, used, operators]) assert.notEqual(await stores.clients.get(kept.id), null)
      assert.deepEqual(await stores.clients.deleteUnusedDynamic(at(50)), [])
    })
  })

  describe('initial access tokens', () => {
    it('round-trip, list in order of creation and delete by id', async ({ stores }) => {
      const first = make.initialAccessToken({ createdAt: at(1), usesLeft: 3 })
      const second = make.initialAccessToken({ createdAt: at(2) })
      await stores.initialAccessTokens.create(second)
      await stores.initialAccessTokens.create(first)
      assert.deepEqual(await stores.initialAccessTokens.list(), [first, second])
      await assert.rejects(stores.initialAccessTokens.create(first))
      assert.equal(await stores.initialAccessTokens.delete(first.id), true)
      assert.equal(await stores.initialAccessTokens.delete(first.id), false)
      assert.deepEqual(await stores.initialAccessTokens.list(), [second])
    })

    it('spend a use until none is left, and never once expired', async ({ stores }) => {
      const token = make.initialAccessToken({ usesLeft: 2, expiresAt: at(60) })
      await stores.initialAccessTokens.create(token)
      assert.deepEqual(await stores.initialAccessTokens.spend(token.digest, at(1)), { ...token, usesLeft: 1 })
      assert.equal(await stores.initialAccessTokens.spend(make.newDigest(), at(1)), null)
      assert.equal(await stores.initialAccessTokens.spend(token.digest, at(60)), null, 'expired')
      assert.deepEqual(await stores.initialAccessTokens.spend(token.digest, at(2)), { ...token, usesLeft: 0 })
      assert.equal(await stores.initialAccessTokens.spend(token.digest, at(3)), null, 'used up')
    })

    it(`of ${racers} racing spends, no more succeed than the token has uses`, async ({ stores }) => {
      const token = make.initialAccessToken({ usesLeft: 3 })
      await stores.initialAccessTokens.create(token)
      const results = await Promise.all(
        Array.from({ length: racers }, () =>
          stores.transaction((tx) => tx.initialAccessTokens.spend(token.digest, at(1))),
        ),
      )
      assert.equal(results.filter((result) => result !== null).length, 3)
    })

    it('a spend in a transaction that fails is given back', async ({ stores }) => {
      const token = make.initialAccessToken()
      await stores.initialAccessTokens.create(token)
      await assert.rejects(
        stores.transaction(async (tx) => {
          await tx.initialAccessTokens.spend(token.digest, at(1))
          throw new Error('the registration was refused')
        }),
      )
      assert.deepEqual(await stores.initialAccessTokens.list(), [token])
    })

    it('deleteSpent removes the expired and the used up, and nothing else', async ({ stores }) => {
      const expired = make.initialAccessToken({ expiresAt: at(10) })
      const usedUp = make.initialAccessToken({ usesLeft: 0 })
      const live = make.initialAccessToken({ expiresAt: at(100) })
      for (const token of [expired, usedUp, live]) await stores.initialAccessTokens.create(token)
      assert.equal(await stores.initialAccessTokens.deleteSpent(at(50)), 2)
      assert.deepEqual(await stores.initialAccessTokens.list(), [live])
    })
  })

  describe('resources', () => {
    it('round-trip every field, list by identifier, and delete', async ({ stores }) => {
      const full = make.resource({ identifier: 'https://b.example/api?tenant="ü"' })
      const bare = make.resource({
        identifier: 'urn:a:resource',
        scopes: [],
        accessTokenFormat: null,
        accessTokenLifetime: null,
        serveMetadata: false,
      })
      await stores.resources.create(full)
      await stores.resources.create(bare)
      assert.deepEqual(await stores.resources.get(full.identifier), full)
      assert.deepEqual(await stores.resources.get(bare.identifier), bare)
      assert.equal(await stores.resources.get('https://b.example/api'), null, 'identifiers match exactly')
      assert.deepEqual(await stores.resources.list(), [full, bare].sort(byIdentifier))
      await assert.rejects(stores.resources.create(make.resource({ identifier: full.identifier })))
      assert.equal(await stores.resources.delete(full.identifier), true)
      assert.equal(await stores.resources.delete(full.identifier), false)
      assert.deepEqual(await stores.resources.list(), [bare])
    })

    it("a client's default resources and the resources of codes, device codes and grants round-trip", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      assert.deepEqual(
        (await stores.clients.get(owner.client.id))?.defaultResources,
        owner.client.defaultResources,
      )
      const grant = make.grant(owner, { resources: ['https://photos.example/api', 'urn:x'] })
      await stores.grants.create(grant)
      assert.deepEqual((await stores.grants.get(grant.id))?.resources, grant.resources)
      const none = make.grant(owner, { resources: [] })
      await stores.grants.create(none)
      assert.deepEqual((await stores.grants.get(none.id))?.resources, [])
      const code = make.code(owner, { resources: ['urn:x', 'https://a.example/'] })
      await stores.codes.create(code)
      const consumed = await stores.codes.consume(code.digest, at(1))
      assert.equal(consumed.kind, 'ok')
      if (consumed.kind === 'ok') assert.deepEqual(consumed.record.resources, code.resources)
      const device = make.deviceCode(owner.client, { resources: ['https://tv.example/'] })
      await stores.deviceCodes.create(device)
      assert.deepEqual((await stores.deviceCodes.getByDeviceCode(device.deviceCodeDigest))?.resources, [
        'https://tv.example/',
      ])
    })
  })

  describe('sign-in unlocks', () => {
    it('keeps the last unlock per username', async ({ stores }) => {
      assert.equal(await stores.signInUnlocks.lastUnlock('alice'), null)
      await stores.signInUnlocks.unlock('alice', t0)
      await stores.signInUnlocks.unlock('bob', at(5))
      await stores.signInUnlocks.unlock('alice', at(10))
      assert.deepEqual(await stores.signInUnlocks.lastUnlock('alice'), at(10))
      assert.deepEqual(await stores.signInUnlocks.lastUnlock('bob'), at(5))
      assert.equal(await stores.signInUnlocks.lastUnlock('carol'), null)
    })
  })

  describe('grants', () => {
    it('round-trips and lists by user', async ({ stores }) => {
      const owner = await owners(stores)
      const stranger = await owners(stores)
      const first = make.grant(owner, { createdAt: at(1) })
      const second = make.grant(owner, { createdAt: at(2), revokedAt: at(3), revokedReason: 'user' })
      await stores.grants.create(second)
      await stores.grants.create(first)
      await stores.grants.create(make.grant(stranger))
      assert.deepEqual(await stores.grants.get(second.id), second)
      assert.equal(await stores.grants.get('nothing'), null)
      assert.deepEqual(await stores.grants.listByUser(owner.user.id), [first, second])
      assert.deepEqual(await stores.grants.listByUser('nobody'), [])
    })

    it("revoke revokes the grant with its refresh and access tokens, and no other grant's", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const target = make.grant(owner)
      const bystander = make.grant(owner)
      await stores.grants.create(target)
      await stores.grants.create(bystander)
      const refresh = make.refreshToken(target)
      const access = make.accessToken(target)
      const jwt = make.accessToken(target, { format: 'jwt', key: 'jti-1' })
      const revokedEarlier = make.accessToken(target, { revokedAt: at(1) })
      const otherRefresh = make.refreshToken(bystander)
      const otherAccess = make.accessToken(bystander)
      for (const token of [refresh, otherRefresh]) await stores.tokens.createRefreshToken(token)
      for (const token of [access, jwt, revokedEarlier, otherAccess])
        await stores.tokens.createAccessToken(token)

      assert.equal(await stores.grants.revoke(target.id, at(9), 'refresh_reuse'), true)
      assert.deepEqual(await stores.grants.get(target.id), {
        ...target,
        revokedAt: at(9),
        revokedReason: 'refresh_reuse',
      })
      assert.deepEqual(await stores.tokens.getRefreshToken(refresh.digest), { ...refresh, revokedAt: at(9) })
      assert.deepEqual(await stores.tokens.getAccessToken(access.key), { ...access, revokedAt: at(9) })
      assert.deepEqual(await stores.tokens.getAccessToken(jwt.key), { ...jwt, revokedAt: at(9) })
      assert.deepEqual(await stores.tokens.getAccessToken(revokedEarlier.key), revokedEarlier)
      assert.deepEqual(await stores.grants.get(bystander.id), bystander)
      assert.deepEqual(await stores.tokens.getRefreshToken(otherRefresh.digest), otherRefresh)
      assert.deepEqual(await stores.tokens.getAccessToken(otherAccess.key), otherAccess)

      assert.equal(await stores.grants.revoke(target.id, at(20), 'operator'), false, 'already revoked')
      assert.equal((await stores.grants.get(target.id))?.revokedReason, 'refresh_reuse')
      assert.equal(await stores.grants.revoke('nothing', at(20), 'operator'), false)
    })

    it("getAccessTokenWithUser is getAccessToken's read with the user of the token's grant", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const grant = make.grant(owner)
      await stores.grants.create(grant)
      const access = make.accessToken(grant)
      const jwt = make.accessToken(grant, { format: 'jwt', key: 'jti-with-user' })
      const clientJwt = make.clientJwt(owner.client)
      for (const token of [access, jwt, clientJwt]) await stores.tokens.createAccessToken(token)
      const user = await stores.users.get(owner.user.id)
      assert.deepEqual(await stores.tokens.getAccessTokenWithUser(access.key), { token: access, user })
      assert.deepEqual(await stores.tokens.getAccessTokenWithUser(jwt.key), { token: jwt, user })
      // A client credentials token names no person.
      assert.deepEqual(await stores.tokens.getAccessTokenWithUser(clientJwt.key), {
        token: clientJwt,
        user: null,
      })
      assert.equal(await stores.tokens.getAccessTokenWithUser('nothing'), null)
      // Its grant's revocation, at once; and nothing once the user (and so the grant) is gone.
      await stores.grants.revoke(grant.id, at(9), 'operator')
      assert.deepEqual(await stores.tokens.getAccessTokenWithUser(access.key), {
        token: { ...access, revokedAt: at(9) },
        user,
      })
      await stores.users.delete(owner.user.id)
      assert.equal(await stores.tokens.getAccessTokenWithUser(access.key), null)
      assert.deepEqual(await stores.tokens.getAccessTokenWithUser(clientJwt.key), {
        token: clientJwt,
        user: null,
      })
    })

    it('access tokens created together are each stored as alone (PostgreSQL inserts them together)', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const grant = make.grant(owner)
      await stores.grants.create(grant)
      const tokens = [
        ...Array.from({ length: 6 }, () => make.accessToken(grant)),
        make.clientJwt(owner.client),
        make.accessToken(grant, { format: 'jwt', key: 'jti-together', dpopJkt: null }),
      ]
      await Promise.all(tokens.map((token) => stores.tokens.createAccessToken(token)))
      for (const token of tokens) assert.deepEqual(await stores.tokens.getAccessToken(token.key), token)
    })

    it('token lookups made together answer each its own, as alone (PostgreSQL sends them as one)', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const live = make.grant(owner)
      const revoked = make.grant(owner, { revokedAt: at(2), revokedReason: 'user' })
      for (const grant of [live, revoked]) await stores.grants.create(grant)
      const access = [make.accessToken(live), make.accessToken(revoked), make.clientJwt(owner.client)]
      const refresh = [make.refreshToken(live), make.refreshToken(revoked)]
      for (const token of access) await stores.tokens.createAccessToken(token)
      for (const token of refresh) await stores.tokens.createRefreshToken(token)
      const accessKeys = [...access.map((token) => token.key), 'nothing', access[0]!.key]
      const refreshDigests = [...refresh.map((token) => token.digest), make.newDigest()]

      const alone = {
        access: [] as unknown[],
        withUser: [] as unknown[],
        refresh: [] as unknown[],
      }
      for (const key of accessKeys) {
        alone.access.push(await stores.tokens.getAccessToken(key))
        alone.withUser.push(await stores.tokens.getAccessTokenWithUser(key))
      }
      for (const digest of refreshDigests) alone.refresh.push(await stores.tokens.findRefreshToken(digest))
      const together = {
        access: await Promise.all(accessKeys.map((key) => stores.tokens.getAccessToken(key))),
        withUser: await Promise.all(accessKeys.map((key) => stores.tokens.getAccessTokenWithUser(key))),
        refresh: await Promise.all(refreshDigests.map((digest) => stores.tokens.findRefreshToken(digest))),
      }
      assert.deepEqual(together, alone)
      assert.deepEqual(alone.access.slice(0, 4), [
        access[0],
        { ...access[1], revokedAt: at(2) },
        access[2],
        null,
      ])
      assert.deepEqual(alone.refresh, [
        { token: refresh[0], grant: live },
        { token: refresh[1], grant: revoked },
        null,
      ])
    })

    it("every grant of a user is revoked in one transaction, or none is, and no one else's", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const stranger = await owners(stores)
      const grants = [make.grant(owner), make.grant(owner)]
      const theirs = make.grant(stranger)
      for (const item of [...grants, theirs]) await stores.grants.create(item)
      const tokens = [...grants, theirs].map((item) => make.refreshToken(item))
      for (const token of tokens) await stores.tokens.createRefreshToken(token)
      const revokeAll = async (tx: Stores) => {
        const revoked: boolean[] = []
        for (const item of await tx.grants.listByUser(owner.user.id))
          revoked.push(await tx.grants.revoke(item.id, at(9), 'password_changed'))
        return revoked
      }

      await assert.rejects(
        stores.transaction(async (tx) => {
          await revokeAll(tx)
          throw new Error('roll back')
        }),
        /roll back/,
      )
      for (const item of grants) assert.equal((await stores.grants.get(item.id))?.revokedAt, null)

      assert.deepEqual(await stores.transaction(revokeAll), [true, true])
      for (const item of grants) {
        assert.deepEqual(await stores.grants.get(item.id), {
          ...item,
          revokedAt: at(9),
          revokedReason: 'password_changed',
        })
      }
      const revokedAt = await Promise.all(
        tokens.map(async (token) => (await stores.tokens.getRefreshToken(token.digest))?.revokedAt),
      )
      assert.deepEqual(revokedAt, [at(9), at(9), null], "the user's refresh tokens go with their grants")
      assert.deepEqual(await stores.grants.get(theirs.id), theirs)
    })

    it('hold returns a live grant unchanged, and null for a revoked or unknown one', async ({ stores }) => {
      const owner = await owners(stores)
      const live = make.grant(owner)
      const revoked = make.grant(owner, { revokedAt: at(3), revokedReason: 'user' })
      await stores.grants.create(live)
      await stores.grants.create(revoked)
      assert.deepEqual(await stores.transaction((tx) => tx.grants.hold(live.id)), live)
      assert.deepEqual(await stores.grants.get(live.id), live)
      assert.equal(await stores.transaction((tx) => tx.grants.hold(revoked.id)), null)
      assert.equal(await stores.transaction((tx) => tx.grants.hold('nothing')), null)
    })

    it('a revocation waits for a transaction that holds the grant, then revokes what it issued', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const issued = make.refreshToken(family)
      let held = () => {}
      const holding = new Promise<void>((resolve) => {
        held = resolve
      })
      const issuing = stores.transaction(async (tx) => {
        assert.ok(await tx.grants.hold(family.id))
        held()
        // Time for the revocation to reach the database (where it may run alongside) before the token exists.
        await delay(50)
        await tx.tokens.createRefreshToken(issued)
      })
      await holding
      const revocation = stores.grants.revoke(family.id, at(5), 'operator')
      await issuing
      assert.equal(await revocation, true)
      assert.deepEqual(await stores.tokens.getRefreshToken(issued.digest), { ...issued, revokedAt: at(5) })
    })
  })

  describe('authorization codes', () => {
    it('round-trips, then consume gives ok once, reused after (with its grant), missing when unknown', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const issued = make.code(owner)
      await stores.codes.create(issued)
      assert.deepEqual(await stores.codes.consume(issued.digest, at(1)), { kind: 'ok', record: issued })
      assert.deepEqual(await stores.codes.consume(issued.digest, at(2)), { kind: 'reused', record: issued })
      const issuedGrant = make.grant(owner)
      await stores.grants.create(issuedGrant)
      await stores.codes.setGrant(issued.digest, issuedGrant.id)
      assert.deepEqual(await stores.codes.consume(issued.digest, at(3)), {
        kind: 'reused',
        record: { ...issued, grantId: issuedGrant.id },
      })
      assert.deepEqual(await stores.codes.consume(make.newDigest(), at(3)), { kind: 'missing' })
    })

    it('keeps the DPoP key a code is bound to (RFC 9449 §10), or none', async ({ stores }) => {
      const owner = await owners(stores)
      const bound = make.code(owner)
      const unbound = make.code(owner, { dpopJkt: null, nonce: null })
      await stores.codes.create(bound)
      await stores.codes.create(unbound)
      assert.deepEqual(await stores.codes.consume(bound.digest, at(1)), { kind: 'ok', record: bound })
      assert.deepEqual(await stores.codes.consume(unbound.digest, at(1)), { kind: 'ok', record: unbound })
    })

    it('keeps the claims a code puts into its ID token (OpenID Connect Core §5.5), or none', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const some = make.code(owner)
      const none = make.code(owner, { idTokenClaims: [] })
      await stores.codes.create(some)
      await stores.codes.create(none)
      assert.deepEqual(await stores.codes.consume(some.digest, at(1)), { kind: 'ok', record: some })
      assert.deepEqual(await stores.codes.consume(none.digest, at(1)), { kind: 'ok', record: none })
    })

    it('consume leaves expiry to the caller: an expired code is still ok once', async ({ stores }) => {
      const owner = await owners(stores)
      const expired = make.code(owner, { expiresAt: at(-1) })
      await stores.codes.create(expired)
      assert.equal((await stores.codes.consume(expired.digest, at(5))).kind, 'ok')
    })

    it(`exactly one of ${racers} racing redemptions gets ok`, async ({ stores }) => {
      const owner = await owners(stores)
      const issued = make.code(owner)
      await stores.codes.create(issued)
      const results = await Promise.all(
        Array.from({ length: racers }, () => stores.codes.consume(issued.digest, at(1))),
      )
      assert.deepEqual(tally(results), { ok: 1, reused: racers - 1 })
    })

    it(`exactly one of ${racers} racing redemptions in transactions gets ok, and the others see its grant`, async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const issued = make.code(owner)
      await stores.codes.create(issued)
      const results = await Promise.all(
        Array.from({ length: racers }, () =>
          stores.transaction(async (tx) => {
            const result = await tx.codes.consume(issued.digest, at(1))
            if (result.kind === 'ok') {
              const firstGrant = make.grant(owner)
              await tx.grants.create(firstGrant)
              await tx.codes.setGrant(issued.digest, firstGrant.id)
            }
            return result
          }),
        ),
      )
      assert.deepEqual(tally(results), { ok: 1, reused: racers - 1 })
      const grantIds = new Set(
        results.map((result) => (result.kind === 'reused' ? result.record.grantId : 'ok')),
      )
      assert.equal(grantIds.size, 2, 'every reuse saw the grant that the winning redemption committed')
      assert.equal(grantIds.has(null), false)
    })

    it('find reads a code and whether it was used; null when unknown', async ({ stores }) => {
      const owner = await owners(stores)
      const issued = make.code(owner)
      await stores.codes.create(issued)
      assert.deepEqual(await stores.codes.find(issued.digest), { code: issued, used: false })
      await stores.codes.consume(issued.digest, at(1))
      assert.deepEqual(await stores.codes.find(issued.digest), { code: issued, used: true })
      assert.equal(await stores.codes.find(make.newDigest()), null)
    })

    it('redeem stores the grant and its tokens with the code used once; false after, changing nothing', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const issued = make.code(owner)
      await stores.codes.create(issued)
      const first = redemptionOf(issued, owner)
      assert.equal(await stores.codes.redeem(first), true)
      assert.deepEqual(await stores.grants.get(first.grant.id), first.grant)
      assert.deepEqual(
        await stores.tokens.getAccessToken(first.issued.accessToken.key),
        first.issued.accessToken,
      )
      assert.deepEqual(
        await stores.tokens.getRefreshToken(first.issued.refreshToken.digest),
        first.issued.refreshToken,
      )
      const second = redemptionOf(issued, owner)
      assert.equal(await stores.codes.redeem(second), false)
      assert.equal(await stores.grants.get(second.grant.id), null)
      assert.equal(await stores.tokens.getAccessToken(second.issued.accessToken.key), null)
      // A reuse finds the grant to revoke.
      assert.deepEqual(await stores.codes.consume(issued.digest, at(3)), {
        kind: 'reused',
        record: { ...issued, grantId: first.grant.id },
      })
      assert.equal(await stores.codes.redeem(redemptionOf(make.code(owner), owner)), false, 'unknown')
    })

    it(`exactly one of ${racers} racing redemptions, stored or consumed, lands`, async ({ stores }) => {
      const owner = await owners(stores)
      const issued = make.code(owner)
      await stores.codes.create(issued)
      const redemptions = Array.from({ length: racers }, () => redemptionOf(issued, owner))
      const results = await Promise.all(
        redemptions.map((redemption, index) =>
          index % 4 === 3
            ? stores.codes.consume(issued.digest, at(1)).then((result) => result.kind === 'ok')
            : stores.codes.redeem(redemption),
        ),
      )
      assert.equal(results.filter(Boolean).length, 1)
      const grants = await Promise.all(redemptions.map(({ grant }) => stores.grants.get(grant.id)))
      assert.deepEqual(
        grants.map((grant) => grant !== null),
        results.map((landed, index) => landed && index % 4 !== 3),
      )
    })

    it("deleteUnusedByUser removes the user's codes not yet redeemed, and only those", async ({ stores }) => {
      const owner = await owners(stores)
      const stranger = await owners(stores)
      const unused = make.code(owner)
      const redeemed = make.code(owner)
      const theirs = make.code(stranger)
      for (const item of [unused, redeemed, theirs]) await stores.codes.create(item)
      await stores.codes.consume(redeemed.digest, at(1))
      assert.equal(await stores.codes.deleteUnusedByUser(owner.user.id), 1)
      assert.equal(await stores.codes.deleteUnusedByUser(owner.user.id), 0)
      assert.equal((await stores.codes.consume(unused.digest, at(2))).kind, 'missing')
      assert.equal(
        (await stores.codes.consume(redeemed.digest, at(2))).kind,
        'reused',
        'reuse stays detectable',
      )
      assert.equal((await stores.codes.consume(theirs.digest, at(2))).kind, 'ok')
    })

    it("deleteUnusedByUser with a client removes only that client's unused codes of the user", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const otherClient = make.client()
      await stores.clients.create(otherClient)
      const mine = make.code(owner)
      const otherApps = make.code({ client: otherClient, user: owner.user })
      for (const item of [mine, otherApps]) await stores.codes.create(item)
      assert.equal(await stores.codes.deleteUnusedByUser(owner.user.id, owner.client.id), 1)
      assert.equal((await stores.codes.consume(mine.digest, at(2))).kind, 'missing')
      assert.equal((await stores.codes.consume(otherApps.digest, at(2))).kind, 'ok')
    })

    it('deleteExpired removes codes that expired before the instant and counts them', async ({ stores }) => {
      const owner = await owners(stores)
      const old = make.code(owner, { expiresAt: at(10) })
      const edge = make.code(owner, { expiresAt: at(20) })
      const fresh = make.code(owner, { expiresAt: at(30) })
      for (const item of [old, edge, fresh]) await stores.codes.create(item)
      assert.equal(await stores.codes.deleteExpired(at(20)), 1)
      assert.equal((await stores.codes.consume(old.digest, at(21))).kind, 'missing')
      assert.equal((await stores.codes.consume(edge.digest, at(21))).kind, 'ok')
      assert.equal((await stores.codes.consume(fresh.digest, at(21))).kind, 'ok')
    })
  })

  describe('pushed authorization requests', () => {
    it('round-trip, then consume gives ok once (marked used), reused after, missing when unknown', async ({
      stores,
    }) => {
      const { client } = await owners(stores)
      const pushed = make.pushedRequest(client)
      await stores.pushedRequests.create(pushed)
      assert.deepEqual(await stores.pushedRequests.get(pushed.digest), pushed)
      const used = { ...pushed, usedAt: at(1) }
      assert.deepEqual(await stores.pushedRequests.consume(pushed.digest, at(1)), {
        kind: 'ok',
        record: used,
      })
      assert.deepEqual(await stores.pushedRequests.consume(pushed.digest, at(2)), {
        kind: 'reused',
        record: used,
      })
      assert.deepEqual(await stores.pushedRequests.get(pushed.digest), used)
      assert.deepEqual(await stores.pushedRequests.consume(make.newDigest(), at(3)), { kind: 'missing' })
      assert.equal(await stores.pushedRequests.get(make.newDigest()), null)
      await assert.rejects(stores.pushedRequests.create(pushed), 'a digest is stored once')
    })

    it('refuses a request of a client that does not exist', async ({ stores }) => {
      await assert.rejects(stores.pushedRequests.create(make.pushedRequest(make.client())))
    })

    it(`exactly one of ${racers} racing uses gets ok`, async ({ stores }) => {
      const { client } = await owners(stores)
      const pushed = make.pushedRequest(client)
      await stores.pushedRequests.create(pushed)
      const results = await Promise.all(
        Array.from({ length: racers }, () => stores.pushedRequests.consume(pushed.digest, at(1))),
      )
      assert.deepEqual(tally(results), { ok: 1, reused: racers - 1 })
    })

    it('deleteExpired removes requests that expired before the instant and counts them', async ({
      stores,
    }) => {
      const { client } = await owners(stores)
      const old = make.pushedRequest(client, { expiresAt: at(10) })
      const edge = make.pushedRequest(client, { expiresAt: at(20) })
      for (const item of [old, edge]) await stores.pushedRequests.create(item)
      assert.equal(await stores.pushedRequests.deleteExpired(at(20)), 1)
      assert.equal(await stores.pushedRequests.get(old.digest), null)
      assert.deepEqual(await stores.pushedRequests.get(edge.digest), edge)
    })

    it('go with their client, and only with theirs', async ({ stores }) => {
      const doomed = await owners(stores)
      const kept = await owners(stores)
      const theirs = make.pushedRequest(doomed.client)
      const others = make.pushedRequest(kept.client)
      for (const item of [theirs, others]) await stores.pushedRequests.create(item)
      await stores.clients.delete(doomed.client.id)
      assert.equal(await stores.pushedRequests.get(theirs.digest), null)
      assert.deepEqual(await stores.pushedRequests.get(others.digest), others)
    })

    it('a use inside a transaction that fails is undone', async ({ stores }) => {
      const { client } = await owners(stores)
      const pushed = make.pushedRequest(client)
      await stores.pushedRequests.create(pushed)
      await assert.rejects(
        stores.transaction(async (tx) => {
          assert.equal((await tx.pushedRequests.consume(pushed.digest, at(1))).kind, 'ok')
          throw new Error('rolled back')
        }),
      )
      assert.equal((await stores.pushedRequests.consume(pushed.digest, at(2))).kind, 'ok')
    })
  })

  describe('tokens', () => {
    it('refresh tokens round-trip every field', async ({ stores }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const plain = make.refreshToken(family)
      const used = make.refreshToken(family, {
        rotatedAt: at(7),
        replaces: make.newDigest(),
        revokedAt: at(8),
        scope: [],
        dpopJkt: null,
      })
      await stores.tokens.createRefreshToken(plain)
      await stores.tokens.createRefreshToken(used)
      assert.deepEqual(await stores.tokens.getRefreshToken(plain.digest), plain)
      assert.deepEqual(await stores.tokens.getRefreshToken(used.digest), used)
      assert.equal(await stores.tokens.getRefreshToken(make.newDigest()), null)
    })

    it('findRefreshToken reads the token with its grant, revoked or not; null when unknown', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const family = make.grant(owner, { revokedAt: at(2), revokedReason: 'user' })
      await stores.grants.create(family)
      const token = make.refreshToken(family, {
        rotatedAt: at(1),
        replaces: make.newDigest(),
        revokedAt: at(2),
      })
      await stores.tokens.createRefreshToken(token)
      assert.deepEqual(await stores.tokens.findRefreshToken(token.digest), { token, grant: family })
      assert.equal(await stores.tokens.findRefreshToken(make.newDigest()), null)
    })

    it('rotate stores what it issues once, then answers reused; refused when revoked or unknown', async ({
      stores,
    }) => {
      const { family, token } = await familyWithToken(stores)
      const rotation = rotationOf(token, family, at(2))
      const { issued } = rotation
      assert.deepEqual(await stores.tokens.rotateRefreshToken(rotation), { kind: 'rotated' })
      assert.deepEqual(await stores.tokens.getAccessToken(issued.accessToken.key), issued.accessToken)
      assert.deepEqual(await stores.tokens.getRefreshToken(issued.refreshToken.digest), issued.refreshToken)
      const again = {
        ...rotation,
        at: at(3),
        issued: { accessToken: make.accessToken(family), refreshToken: null },
      }
      assert.deepEqual(await stores.tokens.rotateRefreshToken(again), {
        kind: 'reused',
        record: { ...token, rotatedAt: at(2) },
      })
      assert.equal(await stores.tokens.getAccessToken(again.issued.accessToken.key), null)
      const unknown = { ...again, digest: make.newDigest() }
      assert.deepEqual(await stores.tokens.rotateRefreshToken(unknown), { kind: 'refused' })

      const revoked = make.refreshToken(family, { revokedAt: at(1) })
      await stores.tokens.createRefreshToken(revoked)
      assert.deepEqual(await stores.tokens.rotateRefreshToken({ ...again, digest: revoked.digest }), {
        kind: 'refused',
      })
      assert.deepEqual(await stores.tokens.getRefreshToken(revoked.digest), revoked, 'not rotated')
      assert.equal(await stores.tokens.getAccessToken(again.issued.accessToken.key), null)
    })

    it('rotate is refused under a revoked grant, and under another grant than the one read', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const live = make.grant(owner)
      // Created revoked, its token live: the grant's state alone must refuse the rotation.
      const ended = make.grant(owner, { revokedAt: at(1), revokedReason: 'user' })
      await stores.grants.create(live)
      await stores.grants.create(ended)
      const token = make.refreshToken(ended)
      await stores.tokens.createRefreshToken(token)
      const unrevoked = make.refreshToken(live)
      await stores.tokens.createRefreshToken(unrevoked)
      const { issued } = rotationOf(token, ended)
      for (const presented of [token, unrevoked]) {
        const rotation = { ...rotationOf(presented, ended), issued }
        assert.deepEqual(await stores.tokens.rotateRefreshToken(rotation), { kind: 'refused' })
      }
      assert.equal(await stores.tokens.getAccessToken(issued.accessToken.key), null)
      assert.equal(await stores.tokens.getRefreshToken(issued.refreshToken.digest), null)
      assert.equal((await stores.tokens.getRefreshToken(unrevoked.digest))?.rotatedAt, null)
    })

    it(`exactly one of ${racers} racing rotations lands, with only its own tokens`, async ({ stores }) => {
      const { family, token } = await familyWithToken(stores)
      const rotations = Array.from({ length: racers }, () => rotationOf(token, family))
      const results = await Promise.all(
        rotations.map((rotation) => stores.tokens.rotateRefreshToken(rotation)),
      )
      assert.deepEqual(tally(results), { rotated: 1, reused: racers - 1 })
      const stored = await Promise.all(
        rotations.map(async ({ issued }) => [
          (await stores.tokens.getAccessToken(issued.accessToken.key)) !== null,
          (await stores.tokens.getRefreshToken(issued.refreshToken.digest)) !== null,
        ]),
      )
      assert.deepEqual(
        stored,
        results.map((result) => (result.kind === 'rotated' ? [true, true] : [false, false])),
      )
    })

    it(`a revocation racing ${racers} rotations revokes whatever they issued`, async ({ stores }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const tokens = Array.from({ length: racers }, () => make.refreshToken(family))
      for (const token of tokens) await stores.tokens.createRefreshToken(token)
      const rotations = tokens.map((token) => rotationOf(token, family))
      const half = racers / 2
      await Promise.all([
        ...rotations.slice(0, half).map((rotation) => stores.tokens.rotateRefreshToken(rotation)),
        stores.grants.revoke(family.id, at(2), 'operator'),
        ...rotations.slice(half).map((rotation) => stores.tokens.rotateRefreshToken(rotation)),
      ])
      for (const { issued } of rotations) {
        const access = await stores.tokens.getAccessToken(issued.accessToken.key)
        const refresh = await stores.tokens.getRefreshToken(issued.refreshToken.digest)
        assert.ok(access === null || access.revokedAt !== null, 'an access token outlived its grant')
        assert.ok(refresh === null || refresh.revokedAt !== null, 'a refresh token outlived its grant')
      }
    })

    it('supersedeSuccessor spends the unused, unrevoked token issued for a digest, once', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const parent = make.refreshToken(family, { rotatedAt: at(1) })
      const successor = make.refreshToken(family, { replaces: parent.digest, createdAt: at(1) })
      const used = make.refreshToken(family, { rotatedAt: at(2) })
      const usedSuccessor = make.refreshToken(family, { replaces: used.digest, rotatedAt: at(3) })
      const revoked = make.refreshToken(family, { rotatedAt: at(2) })
      const revokedSuccessor = make.refreshToken(family, { replaces: revoked.digest, revokedAt: at(3) })
      for (const token of [parent, successor, used, usedSuccessor, revoked, revokedSuccessor])
        await stores.tokens.createRefreshToken(token)

      assert.equal(await stores.tokens.supersedeSuccessor(parent.digest, at(4)), true)
      assert.deepEqual(await stores.tokens.getRefreshToken(successor.digest), {
        ...successor,
        rotatedAt: at(4),
      })
      assert.deepEqual(await stores.tokens.getRefreshToken(parent.digest), parent)
      assert.equal(await stores.tokens.supersedeSuccessor(parent.digest, at(5)), false, 'spent already')
      assert.equal(
        await stores.tokens.supersedeSuccessor(used.digest, at(5)),
        false,
        'its successor was used',
      )
      assert.equal(await stores.tokens.supersedeSuccessor(revoked.digest, at(5)), false)
      assert.equal(await stores.tokens.supersedeSuccessor(make.newDigest(), at(5)), false)
      assert.deepEqual(await stores.tokens.getRefreshToken(usedSuccessor.digest), usedSuccessor)
      assert.deepEqual(await stores.tokens.getRefreshToken(revokedSuccessor.digest), revokedSuccessor)
    })

    it('supersedeSuccessor finds what a rotation issued, then what each retry issued in its place', async ({
      stores,
    }) => {
      const { family, token } = await familyWithToken(stores)
      const rotation = rotationOf(token, family)
      assert.equal((await stores.tokens.rotateRefreshToken(rotation)).kind, 'rotated')

      assert.equal(await stores.tokens.supersedeSuccessor(token.digest, at(2)), true)
      const rotated = rotation.issued.refreshToken
      assert.deepEqual(await stores.tokens.getRefreshToken(rotated.digest), { ...rotated, rotatedAt: at(2) })
      // The retry's own token, stored in a transaction as the grace path does, is the next one superseded.
      const retried = make.refreshToken(family, { replaces: token.digest, createdAt: at(2) })
      await stores.transaction((tx) => tx.tokens.createRefreshToken(retried))
      assert.equal(await stores.tokens.supersedeSuccessor(token.digest, at(3)), true)
      assert.deepEqual(await stores.tokens.getRefreshToken(retried.digest), { ...retried, rotatedAt: at(3) })
      assert.equal(await stores.tokens.supersedeSuccessor(token.digest, at(4)), false)
    })

    it(`exactly one of ${racers} racing supersessions and rotations of a successor succeeds`, async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const parent = make.refreshToken(family, { rotatedAt: at(1) })
      const successor = make.refreshToken(family, { replaces: parent.digest })
      await stores.tokens.createRefreshToken(parent)
      await stores.tokens.createRefreshToken(successor)
      const results = await Promise.all(
        Array.from({ length: racers }, (_, i) =>
          i % 2 === 0
            ? stores.tokens.supersedeSuccessor(parent.digest, at(2))
            : stores.tokens
                .rotateRefreshToken({
                  digest: successor.digest,
                  grantId: family.id,
                  at: at(2),
                  issued: { accessToken: make.accessToken(family), refreshToken: null },
                })
                .then((result) => result.kind === 'rotated'),
        ),
      )
      assert.equal(results.filter(Boolean).length, 1)
    })

    it('revokeRefreshToken revokes once; false when already revoked or unknown', async ({ stores }) => {
      const { token } = await familyWithToken(stores)
      assert.equal(await stores.tokens.revokeRefreshToken(token.digest, at(4)), true)
      assert.equal(await stores.tokens.revokeRefreshToken(token.digest, at(5)), false)
      assert.deepEqual(await stores.tokens.getRefreshToken(token.digest), { ...token, revokedAt: at(4) })
      assert.equal(await stores.tokens.revokeRefreshToken(make.newDigest(), at(5)), false)
    })

    it('access token records round-trip, with and without a grant', async ({ stores }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const opaque = make.accessToken(family)
      const jwt = make.clientJwt(owner.client, { audience: [], revokedAt: at(3), dpopJkt: null })
      await stores.tokens.createAccessToken(opaque)
      await stores.tokens.createAccessToken(jwt)
      assert.deepEqual(await stores.tokens.getAccessToken(opaque.key), opaque)
      assert.deepEqual(await stores.tokens.getAccessToken(jwt.key), jwt)
      assert.equal(await stores.tokens.getAccessToken('unknown'), null)
    })

    it('revokeAccessToken marks a stored token, keeps the first revocation, and records one never stored', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const stored = make.accessToken(family)
      await stores.tokens.createAccessToken(stored)
      await stores.tokens.revokeAccessToken(stored, at(2))
      await stores.tokens.revokeAccessToken(stored, at(3))
      assert.deepEqual(await stores.tokens.getAccessToken(stored.key), { ...stored, revokedAt: at(2) })

      const neverStored = make.clientJwt(owner.client)
      await stores.tokens.revokeAccessToken(neverStored, at(4))
      assert.deepEqual(await stores.tokens.getAccessToken(neverStored.key), {
        ...neverStored,
        revokedAt: at(4),
      })
    })

    it('deleteExpired removes expired refresh and access tokens and counts them', async ({ stores }) => {
      const owner = await owners(stores)
      const family = make.grant(owner)
      await stores.grants.create(family)
      const oldRefresh = make.refreshToken(family, { expiresAt: at(10) })
      const liveRefresh = make.refreshToken(family, { expiresAt: at(30) })
      const oldAccess = make.accessToken(family, { expiresAt: at(10) })
      const oldJwt = make.clientJwt(owner.client, { expiresAt: at(15) })
      const liveAccess = make.accessToken(family, { expiresAt: at(20) })
      for (const token of [oldRefresh, liveRefresh]) await stores.tokens.createRefreshToken(token)
      for (const token of [oldAccess, oldJwt, liveAccess]) await stores.tokens.createAccessToken(token)
      assert.equal(await stores.tokens.deleteExpired(at(20)), 3)
      assert.equal(await stores.tokens.getRefreshToken(oldRefresh.digest), null)
      assert.equal(await stores.tokens.getAccessToken(oldAccess.key), null)
      assert.equal(await stores.tokens.getAccessToken(oldJwt.key), null)
      assert.deepEqual(await stores.tokens.getRefreshToken(liveRefresh.digest), liveRefresh)
      assert.deepEqual(await stores.tokens.getAccessToken(liveAccess.key), liveAccess)
    })

    it('deleteExpired goes through more tokens than one batch, and takes those of deleted owners', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const doomed = await owners(stores)
      const family = make.grant(owner)
      const doomedFamily = make.grant(doomed)
      for (const grant of [family, doomedFamily]) await stores.grants.create(grant)
      // Interleaved, so that expired and live tokens share every batch of the sweep's walk.
      const tokens = Array.from({ length: 1100 }, (_, i) =>
        make.accessToken(family, { expiresAt: at(i % 2 === 0 ? 10 : 30) }),
      )
      await stores.transaction(async (tx) => {
        for (const token of tokens) await tx.tokens.createAccessToken(token)
        // Expired, and orphaned below: their rows outlive the client until the sweep.
        await tx.tokens.createRefreshToken(make.refreshToken(doomedFamily, { expiresAt: at(10) }))
        await tx.tokens.createAccessToken(make.clientJwt(doomed.client, { expiresAt: at(10) }))
      })
      await stores.clients.delete(doomed.client.id)
      assert.equal(await stores.tokens.deleteExpired(at(20)), 550 + 2)
      const left = await Promise.all(tokens.map((token) => stores.tokens.getAccessToken(token.key)))
      assert.deepEqual(
        left.filter((token) => token !== null),
        tokens.filter((token) => token.expiresAt > at(20)),
      )
      assert.equal(await stores.tokens.deleteExpired(at(40)), 550)
    })

    it("a client registered again under a deleted one's id does not bring back its tokens", async ({
      stores,
    }) => {
      const first = await owners(stores)
      const issued = make.clientJwt(first.client, { issuedAt: at(1), revokedAt: at(2) })
      await stores.tokens.createAccessToken(issued)
      assert.deepEqual(await stores.tokens.getAccessToken(issued.key), issued)
      await stores.clients.delete(first.client.id)
      assert.equal(await stores.tokens.getAccessToken(issued.key), null)
      await stores.clients.create({ ...first.client, createdAt: at(5) })
      assert.equal(await stores.tokens.getAccessToken(issued.key), null, 'issued before this client was')
      // A JWT's iat has whole seconds: a token of the new client may name a time just before its record's.
      const next = make.clientJwt(first.client, { issuedAt: at(4.2) })
      await stores.tokens.createAccessToken(next)
      assert.deepEqual(await stores.tokens.getAccessToken(next.key), next)
    })
  })

  describe('consents', () => {
    it('put creates, put again replaces, get and listByUser find, delete removes', async ({ stores }) => {
      const owner = await owners(stores)
      const otherClient = make.client({ id: 'zz-client' })
      await stores.clients.create(otherClient)
      const first = make.consent(owner)
      await stores.consents.put(first)
      assert.deepEqual(await stores.consents.get(owner.user.id, owner.client.id), first)
      const replaced = make.consent(owner, {
        scope: ['photos:read'],
        resources: ['urn:example:print'],
        createdAt: at(50),
        updatedAt: at(60),
      })
      await stores.consents.put(replaced)
      assert.deepEqual(await stores.consents.get(owner.user.id, owner.client.id), replaced)
      const second = make.consent({ client: otherClient, user: owner.user }, { scope: [] })
      await stores.consents.put(second)
      assert.deepEqual(await stores.consents.listByUser(owner.user.id), [replaced, second])
      assert.equal(await stores.consents.get(owner.user.id, 'nobody'), null)
      assert.equal(await stores.consents.delete(owner.user.id, owner.client.id), true)
      assert.equal(await stores.consents.delete(owner.user.id, owner.client.id), false)
      assert.deepEqual(await stores.consents.listByUser(owner.user.id), [second])
    })
  })

  describe('sessions', () => {
    it('round-trip, delete, and deleteExpired', async ({ stores }) => {
      const owner = await owners(stores)
      const live = make.session(owner.user, { expiresAt: at(100) })
      const old = make.session(owner.user, { expiresAt: at(10) })
      const gone = make.session(owner.user)
      for (const item of [live, old, gone]) await stores.sessions.create(item)
      assert.deepEqual(await stores.sessions.get(live.digest), live)
      await stores.sessions.delete(gone.digest)
      assert.equal(await stores.sessions.get(gone.digest), null)
      await stores.sessions.delete(make.newDigest())
      assert.equal(await stores.sessions.deleteExpired(at(50)), 1)
      assert.equal(await stores.sessions.get(old.digest), null)
      assert.deepEqual(await stores.sessions.get(live.digest), live)
    })

    it("listByUser lists a user's sessions, earliest sign-in first; deleteByUser ends them and counts them", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const stranger = await owners(stores)
      const later = make.session(owner.user, { authTime: at(-10) })
      const earlier = make.session(owner.user, { authTime: at(-20) })
      const theirs = make.session(stranger.user)
      for (const item of [later, earlier, theirs]) await stores.sessions.create(item)
      assert.deepEqual(await stores.sessions.listByUser(owner.user.id), [earlier, later])
      assert.deepEqual(await stores.sessions.listByUser('nobody'), [])
      assert.equal(await stores.sessions.deleteByUser(owner.user.id), 2)
      assert.deepEqual(await stores.sessions.listByUser(owner.user.id), [])
      assert.equal(await stores.sessions.get(later.digest), null)
      assert.deepEqual(await stores.sessions.get(theirs.digest), theirs)
      assert.equal(await stores.sessions.deleteByUser(owner.user.id), 0)
    })
  })

  describe('device codes', () => {
    it('round-trip by either code, and record polls', async ({ stores }) => {
      const owner = await owners(stores)
      const pending = make.deviceCode(owner.client)
      const approved = make.deviceCode(owner.client, {
        status: 'approved',
        userId: owner.user.id,
        lastPolledAt: at(3),
      })
      await stores.deviceCodes.create(pending)
      await stores.deviceCodes.create(approved)
      assert.deepEqual(await stores.deviceCodes.getByDeviceCode(pending.deviceCodeDigest), pending)
      assert.deepEqual(await stores.deviceCodes.getByUserCode(approved.userCodeDigest), approved)
      assert.equal(await stores.deviceCodes.getByDeviceCode(pending.userCodeDigest), null)
      assert.equal(await stores.deviceCodes.getByUserCode(pending.deviceCodeDigest), null)
      await stores.deviceCodes.recordPoll(pending.deviceCodeDigest, at(6), 10)
      assert.deepEqual(await stores.deviceCodes.getByDeviceCode(pending.deviceCodeDigest), {
        ...pending,
        lastPolledAt: at(6),
        interval: 10,
      })
      await assert.rejects(
        stores.deviceCodes.create(make.deviceCode(owner.client, { userCodeDigest: pending.userCodeDigest })),
      )
    })

    it('decide moves pending to approved or denied once', async ({ stores }) => {
      const owner = await owners(stores)
      const approvedCode = make.deviceCode(owner.client)
      const deniedCode = make.deviceCode(owner.client)
      await stores.deviceCodes.create(approvedCode)
      await stores.deviceCodes.create(deniedCode)
      assert.equal(
        await stores.deviceCodes.decide(approvedCode.userCodeDigest, 'approved', owner.user.id),
        true,
      )
      assert.equal(
        await stores.deviceCodes.decide(approvedCode.userCodeDigest, 'denied', owner.user.id),
        false,
      )
      assert.equal(await stores.deviceCodes.decide(deniedCode.userCodeDigest, 'denied', owner.user.id), true)
      assert.deepEqual(await stores.deviceCodes.getByUserCode(approvedCode.userCodeDigest), {
        ...approvedCode,
        status: 'approved',
        userId: owner.user.id,
      })
      assert.deepEqual(await stores.deviceCodes.getByUserCode(deniedCode.userCodeDigest), {
        ...deniedCode,
        status: 'denied',
        userId: owner.user.id,
      })
      assert.equal(await stores.deviceCodes.decide(make.newDigest(), 'approved', owner.user.id), false)
    })

    it('decide keeps the sign-in that approved the code, for its ID token', async ({ stores }) => {
      const owner = await owners(stores)
      const pending = make.deviceCode(owner.client)
      await stores.deviceCodes.create(pending)
      const signIn = { authTime: make.at(-20), sid: make.rawSecret() }
      await stores.deviceCodes.decide(pending.userCodeDigest, 'approved', owner.user.id, signIn)
      assert.deepEqual(await stores.deviceCodes.getByUserCode(pending.userCodeDigest), {
        ...pending,
        status: 'approved',
        userId: owner.user.id,
        ...signIn,
      })
    })

    it(`exactly one of ${racers} racing decisions wins`, async ({ stores }) => {
      const owner = await owners(stores)
      const pending = make.deviceCode(owner.client)
      await stores.deviceCodes.create(pending)
      const results = await Promise.all(
        Array.from({ length: racers }, (_, i) =>
          stores.deviceCodes.decide(
            pending.userCodeDigest,
            i % 2 === 0 ? 'approved' : 'denied',
            owner.user.id,
          ),
        ),
      )
      assert.equal(results.filter(Boolean).length, 1)
    })

    it('consume gives tokens to an approved code once; a code not approved is not consumed', async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const pending = make.deviceCode(owner.client)
      const denied = make.deviceCode(owner.client, { status: 'denied', userId: owner.user.id })
      for (const item of [pending, denied]) await stores.deviceCodes.create(item)
      assert.deepEqual(await stores.deviceCodes.consume(pending.deviceCodeDigest), {
        kind: 'reused',
        record: pending,
      })
      assert.deepEqual(await stores.deviceCodes.consume(denied.deviceCodeDigest), {
        kind: 'reused',
        record: denied,
      })
      assert.deepEqual(await stores.deviceCodes.consume(make.newDigest()), { kind: 'missing' })

      await stores.deviceCodes.decide(pending.userCodeDigest, 'approved', owner.user.id)
      const consumed = { ...pending, status: 'consumed', userId: owner.user.id }
      assert.deepEqual(await stores.deviceCodes.consume(pending.deviceCodeDigest), {
        kind: 'ok',
        record: consumed,
      })
      assert.deepEqual(await stores.deviceCodes.consume(pending.deviceCodeDigest), {
        kind: 'reused',
        record: consumed,
      })
    })

    it(`exactly one of ${racers} racing polls of an approved code gets ok`, async ({ stores }) => {
      const owner = await owners(stores)
      const approved = make.deviceCode(owner.client, { status: 'approved', userId: owner.user.id })
      await stores.deviceCodes.create(approved)
      const results = await Promise.all(
        Array.from({ length: racers }, () => stores.deviceCodes.consume(approved.deviceCodeDigest)),
      )
      assert.deepEqual(tally(results), { ok: 1, reused: racers - 1 })
    })

    it("denyApprovedByUser denies the user's approved codes not yet polled for, and only those", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const stranger = await owners(stores)
      const approved = make.deviceCode(owner.client, { status: 'approved', userId: owner.user.id })
      const consumed = make.deviceCode(owner.client, { status: 'consumed', userId: owner.user.id })
      const pending = make.deviceCode(owner.client)
      const theirs = make.deviceCode(stranger.client, { status: 'approved', userId: stranger.user.id })
      for (const item of [approved, consumed, pending, theirs]) await stores.deviceCodes.create(item)
      assert.equal(await stores.deviceCodes.denyApprovedByUser(owner.user.id), 1)
      assert.equal(await stores.deviceCodes.denyApprovedByUser(owner.user.id), 0)
      assert.deepEqual(await stores.deviceCodes.getByDeviceCode(approved.deviceCodeDigest), {
        ...approved,
        status: 'denied',
      })
      for (const untouched of [consumed, pending, theirs]) {
        assert.deepEqual(await stores.deviceCodes.getByDeviceCode(untouched.deviceCodeDigest), untouched)
      }
    })

    it("denyApprovedByUser with a client denies only that client's approved codes of the user", async ({
      stores,
    }) => {
      const owner = await owners(stores)
      const otherClient = make.client()
      await stores.clients.create(otherClient)
      const approved = { status: 'approved', userId: owner.user.id } as const
      const mine = make.deviceCode(owner.client, approved)
      const otherApps = make.deviceCode(otherClient, approved)
      for (const item of [mine, otherApps]) await stores.deviceCodes.create(item)
      assert.equal(await stores.deviceCodes.denyApprovedByUser(owner.user.id, owner.client.id), 1)
      assert.equal((await stores.deviceCodes.getByDeviceCode(mine.deviceCodeDigest))?.status, 'denied')
      assert.deepEqual(await stores.deviceCodes.getByDeviceCode(otherApps.deviceCodeDigest), otherApps)
    })

    it('deleteExpired removes expired device codes and counts them', async ({ stores }) => {
      const owner = await owners(stores)
      const old = make.deviceCode(owner.client, { expiresAt: at(10) })
      const live = make.deviceCode(owner.client, { expiresAt: at(30) })
      for (const item of [old, live]) await stores.deviceCodes.create(item)
      assert.equal(await stores.deviceCodes.deleteExpired(at(20)), 1)
      assert.equal(await stores.deviceCodes.getByDeviceCode(old.deviceCodeDigest), null)
      assert.deepEqual(await stores.deviceCodes.getByDeviceCode(live.deviceCodeDigest), live)
    })
  })

  describe('signing keys', () => {
    it('listPublished returns keys still published at the instant, newest first, every field intact', async ({
      stores,
    }) => {
      const oldest = make.signingKey({ createdAt: at(1), retiredAt: at(5), publishUntil: at(10) })
      const middle = make.signingKey({
        alg: 'EdDSA',
        createdAt: at(2),
        retiredAt: at(6),
        publishUntil: at(100),
      })
      const current = make.signingKey({ createdAt: at(3) })
      for (const key of [middle, current, oldest]) await stores.keys.create(key)
      assert.deepEqual(await stores.keys.listPublished(at(9)), [current, middle, oldest])
      assert.deepEqual(await stores.keys.listPublished(at(10)), [current, middle])
      assert.deepEqual(await stores.keys.listPublished(at(100)), [current])
    })

    it('retireAllExcept retires every current key but one, and leaves retired keys alone', async ({
      stores,
    }) => {
      const retired = make.signingKey({ createdAt: at(1), retiredAt: at(2), publishUntil: at(50) })
      const previous = make.signingKey({ createdAt: at(3) })
      const next = make.signingKey({ createdAt: at(4) })
      for (const key of [retired, previous, next]) await stores.keys.create(key)
      await stores.keys.retireAllExcept(next.kid, at(5), at(60))
      assert.deepEqual(await stores.keys.listPublished(at(5)), [
        next,
        { ...previous, retiredAt: at(5), publishUntil: at(60) },
        retired,
      ])
      assert.deepEqual(await stores.keys.listPublished(at(55)), [
        next,
        { ...previous, retiredAt: at(5), publishUntil: at(60) },
      ])
    })
  })

  describe('readiness', () => {
    test('ping answers while the database is open, inside a transaction too, and fails once it is closed', async () => {
      const { stores } = await open()
      await stores.ping()
      await stores.transaction((tx) => tx.ping())
      await stores.close()
      await assert.rejects(stores.ping())
    })
  })

  describe('transactions', () => {
    it('commit makes every write land and returns the result of the work', async ({ stores }) => {
      const owner = { client: make.client(), user: make.user() }
      const result = await stores.transaction(async (tx) => {
        await tx.clients.create(owner.client)
        await tx.users.create(owner.user)
        await tx.consents.put(make.consent(owner))
        return 'done'
      })
      assert.equal(result, 'done')
      assert.deepEqual(await stores.clients.get(owner.client.id), owner.client)
      assert.notEqual(await stores.consents.get(owner.user.id, owner.client.id), null)
    })

    it('a thrown error rolls back every write, nested transactions included, and rethrows it', async ({
      stores,
    }) => {
      const owner = { client: make.client(), user: make.user() }
      const failure = new Error('work failed')
      await assert.rejects(
        stores.transaction(async (tx) => {
          await tx.clients.create(owner.client)
          await tx.transaction(async (inner) => inner.users.create(owner.user))
          await tx.sessions.create(make.session(owner.user))
          throw failure
        }),
        (error) => error === failure,
      )
      assert.equal(await stores.clients.get(owner.client.id), null)
      assert.equal(await stores.users.get(owner.user.id), null)
      assert.deepEqual(await stores.clients.list(), [])
    })

    it('a failing statement rolls back the writes before it', async ({ stores }) => {
      const existing = make.client()
      await stores.clients.create(existing)
      const fresh = make.user()
      await assert.rejects(
        stores.transaction(async (tx) => {
          await tx.users.create(fresh)
          await tx.clients.create(existing)
        }),
      )
      assert.equal(await stores.users.get(fresh.id), null)
    })

    it("another caller's write does not join an open transaction, so its rollback does not undo it", async ({
      stores,
    }) => {
      const inside = make.client()
      const outside = make.client()
      let entered!: () => void
      const hasEntered = new Promise<void>((resolve) => {
        entered = resolve
      })
      let release!: () => void
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      const transaction = stores.transaction(async (tx) => {
        await tx.clients.create(inside)
        entered()
        await released
        throw new Error('roll back')
      })
      await hasEntered
      const write = stores.clients.create(outside)
      release()
      await assert.rejects(transaction, /roll back/)
      await write
      assert.equal(await stores.clients.get(inside.id), null)
      assert.deepEqual(await stores.clients.get(outside.id), outside)
    })

    it('using the outer stores inside a transaction fails loudly instead of deadlocking or escaping', async ({
      stores,
    }) => {
      const escaped = make.client()
      await assert.rejects(
        stores.transaction(async () => stores.clients.create(escaped)),
        /use the tx that work receives/,
      )
      await assert.rejects(
        stores.transaction(async () => stores.transaction(async () => 'nested on the outer stores')),
        /use the tx that work receives/,
      )
      await assert.rejects(
        stores.transaction((tx) => tx.close()),
        /close the Stores it came from/,
      )
      assert.equal(await stores.clients.get(escaped.id), null)
    })
  })
}

function atRestContract(open: () => Promise<StoreFixture>): void {
  const it = withFixture(open)
  describe('at rest', () => {
    it('the schema has every table the stores need', async ({ tables }) => {
      assert.deepEqual([...tables].sort(), schemaTables)
    })

    it('no raw secret appears in any row of any table', async ({ stores, database, tables }) => {
      const raw = {
        clientSecret: make.rawSecret(),
        code: make.rawSecret(),
        refreshToken: make.rawSecret(),
        accessToken: make.rawSecret(),
        session: make.rawSecret(),
        deviceCode: make.rawSecret(),
        pushedRequestUri: make.rawSecret(),
        userCode: 'WDJBMJHT',
        password: 'correct horse battery staple',
        registrationAccessToken: make.rawSecret(),
        initialAccessToken: make.rawSecret(),
      }
      const owner = { client: make.client({ secretDigest: digest(raw.clientSecret) }), user: make.user() }
      await stores.clients.create(
        make.dynamicClient({
          dynamicRegistration: {
            accessTokenDigest: digest(raw.registrationAccessToken),
            links: {},
            firstUsedAt: null,
          },
        }),
      )
      await stores.initialAccessTokens.create(
        make.initialAccessToken({ digest: digest(raw.initialAccessToken) }),
      )
      await stores.clients.create(owner.client)
      await stores.users.create(owner.user)
      const family = make.grant(owner)
      await stores.grants.create(family)
      await stores.codes.create(make.code(owner, { digest: digest(raw.code), grantId: family.id }))
      await stores.tokens.createRefreshToken(make.refreshToken(family, { digest: digest(raw.refreshToken) }))
      await stores.tokens.createAccessToken(make.accessToken(family, { key: digest(raw.accessToken) }))
      await stores.sessions.create(make.session(owner.user, { digest: digest(raw.session) }))
      await stores.deviceCodes.create(
        make.deviceCode(owner.client, {
          deviceCodeDigest: digest(raw.deviceCode),
          userCodeDigest: digest(raw.userCode),
        }),
      )
      await stores.consents.put(make.consent(owner))
      await stores.keys.create(make.signingKey())
      await stores.pushedRequests.create(
        make.pushedRequest(owner.client, { digest: digest(raw.pushedRequestUri) }),
      )

      let rows = 0
      for (const table of tables) {
        for (const row of await database.all<Record<string, unknown>>(`SELECT * FROM ${table}`)) {
          rows++
          const text = JSON.stringify(row)
          for (const [name, value] of Object.entries(raw)) {
            assert.equal(text.includes(value), false, `the raw ${name} is stored in ${table}`)
          }
        }
      }
      assert.ok(rows >= 10, 'the dump saw the rows just written')
    })
  })
}

/** Seeds one of every record that hangs off a client and a user. */
async function seedEverything(stores: Stores, owner: Parameters<typeof make.grant>[0]) {
  const family = make.grant(owner)
  await stores.grants.create(family)
  const seeded = {
    grant: family,
    code: make.code(owner, { grantId: family.id }),
    pendingCode: make.code(owner),
    refreshToken: make.refreshToken(family),
    accessToken: make.accessToken(family),
    clientJwt: make.clientJwt(owner.client),
    consent: make.consent(owner),
    session: make.session(owner.user),
    deviceCode: make.deviceCode(owner.client, { status: 'approved', userId: owner.user.id }),
  }
  await stores.codes.create(seeded.code)
  await stores.codes.create(seeded.pendingCode)
  await stores.tokens.createRefreshToken(seeded.refreshToken)
  await stores.tokens.createAccessToken(seeded.accessToken)
  await stores.tokens.createAccessToken(seeded.clientJwt)
  await stores.consents.put(seeded.consent)
  await stores.sessions.create(seeded.session)
  await stores.deviceCodes.create(seeded.deviceCode)
  return seeded
}

type Seeded = Awaited<ReturnType<typeof seedEverything>>

/** What hangs off both the client and the user is gone; the session and the client's own token are the caller's. */
async function assertGone(stores: Stores, seeded: Seeded) {
  assert.equal(await stores.grants.get(seeded.grant.id), null)
  assert.equal((await stores.codes.consume(seeded.code.digest, t0)).kind, 'missing')
  assert.equal((await stores.codes.consume(seeded.pendingCode.digest, t0)).kind, 'missing')
  assert.equal(await stores.tokens.getRefreshToken(seeded.refreshToken.digest), null)
  assert.equal(await stores.tokens.getAccessToken(seeded.accessToken.key), null)
  assert.equal(await stores.consents.get(seeded.consent.userId, seeded.consent.clientId), null)
  assert.equal(await stores.deviceCodes.getByDeviceCode(seeded.deviceCode.deviceCodeDigest), null)
}

async function assertPresent(stores: Stores, seeded: Seeded) {
  assert.deepEqual(await stores.grants.get(seeded.grant.id), seeded.grant)
  assert.deepEqual(await stores.tokens.getRefreshToken(seeded.refreshToken.digest), seeded.refreshToken)
  assert.deepEqual(await stores.tokens.getAccessToken(seeded.accessToken.key), seeded.accessToken)
  assert.deepEqual(await stores.tokens.getAccessToken(seeded.clientJwt.key), seeded.clientJwt)
  assert.deepEqual(await stores.consents.get(seeded.consent.userId, seeded.consent.clientId), seeded.consent)
  assert.deepEqual(await stores.sessions.get(seeded.session.digest), seeded.session)
  assert.deepEqual(
    await stores.deviceCodes.getByDeviceCode(seeded.deviceCode.deviceCodeDigest),
    seeded.deviceCode,
  )
  assert.equal((await stores.codes.consume(seeded.code.digest, t0)).kind, 'ok')
}

function tally(results: readonly { readonly kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const result of results) counts[result.kind] = (counts[result.kind] ?? 0) + 1
  return counts
}
