import assert from 'node:assert/strict'
import { migrations } from '../../src/store/migrations/index.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import { statementsOn } from '../../src/store/migrations/migration.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { Grant } from '../../src/core/model/grant.ts'
import type { User } from '../../src/core/model/user.ts'
import type { RefreshToken } from '../../src/core/model/token.ts'
import type { OpenedDatabase } from '../../src/store/sql/driver.ts'
import { createStores } from '../../src/store/sql/stores.ts'
import { refreshTokens } from '../../src/store/sql/tables.ts'
import * as make from '../support/fixtures.ts'

const { at } = make

/**
 * Migrates an empty database up to, not including, the migration `name`, and stores a client, a user and a grant
 * as that schema holds them, in the columns every later migration keeps: the stores' statements may name columns
 * that come after. Returns the owner, the grant and the names of the migrations still to run.
 */
async function before(
  name: string,
  { database }: OpenedDatabase,
): Promise<{ owner: { client: Client; user: User }; family: Grant; pending: string[] }> {
  const upTo = migrations.findIndex((migration) => migration.name === name)
  await database.exclusiveTransaction(async (tx) => {
    await tx.run('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)')
    for (const migration of migrations.slice(0, upTo)) {
      for (const statement of statementsOn(migration, database.dialect)) await tx.run(statement)
      await tx.run('INSERT INTO schema_migrations (name, applied_at) VALUES (?, 0)', [migration.name])
    }
  })
  const owner = { client: make.client(), user: make.user() }
  const family = make.grant(owner)
  await database.run(
    `INSERT INTO clients (id, name, type, token_endpoint_auth_method, redirect_uris, grant_types, scopes,
      default_scopes, legacy_flows, access_token_format, can_introspect, created_at, updated_at)
      VALUES (?, 'Before ${name}', 'confidential', 'client_secret_basic', '[]', '[]', '[]', '[]', '[]', 'opaque', 0, ?, ?)`,
    [owner.client.id, owner.client.createdAt.getTime(), owner.client.createdAt.getTime()],
  )
  await database.run('INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)', [
    owner.user.id,
    owner.user.username,
    owner.user.passwordHash,
    owner.user.createdAt.getTime(),
  ])
  await database.run(
    'INSERT INTO grants (id, client_id, user_id, scope, created_at) VALUES (?, ?, ?, ?, ?)',
    [family.id, owner.client.id, owner.user.id, JSON.stringify(family.scope), family.createdAt.getTime()],
  )
  return { owner, family, pending: migrations.slice(upTo).map((migration) => migration.name) }
}

/** Stores refresh tokens as a schema before migration 021 holds them: without a successor. */
async function insertRefreshTokens(
  { database }: OpenedDatabase,
  tokens: readonly RefreshToken[],
): Promise<void> {
  for (const token of tokens) await database.run(refreshTokens.insertSql, refreshTokens.valuesOf(token))
}

/**
 * Migration 019 rebuilds the token tables on SQLite and drops their indexes and foreign keys on PostgreSQL: on an
 * empty database migrated up to it, tokens written before it read the same after, revoked ones included.
 */
export async function tokensOutliveMigration019(opened: OpenedDatabase): Promise<void> {
  const { database, changes } = opened
  const { owner, family, pending } = await before('019-one-write-per-token', opened)
  const stores = createStores(database, changes)
  try {
    const parent = make.refreshToken(family, { rotatedAt: at(1) })
    const refresh = [
      parent,
      make.refreshToken(family, { replaces: parent.digest }),
      make.refreshToken(family, { revokedAt: at(2), dpopJkt: null }),
    ]
    const access = [make.accessToken(family), make.clientJwt(owner.client, { revokedAt: at(3) })]
    await insertRefreshTokens(opened, refresh)
    for (const token of access) await stores.tokens.createAccessToken(token)

    assert.deepEqual(await migrate(database), pending)
    for (const token of refresh) assert.deepEqual(await stores.tokens.getRefreshToken(token.digest), token)
    for (const token of access) assert.deepEqual(await stores.tokens.getAccessToken(token.key), token)
    // The successor lookup of a grace-period retry still finds the token issued for a digest.
    assert.equal(await stores.tokens.supersedeSuccessor(parent.digest, at(4)), true)
  } finally {
    await stores.close()
  }
}

/**
 * Migration 021 moves the successor of a rotated refresh token into its row: chains rotated before it, retries
 * within the grace period included (a parent exchanged several times, for one unused token), are superseded after
 * it as before.
 */
export async function successorsOutliveMigration021(opened: OpenedDatabase): Promise<void> {
  const { database, changes } = opened
  const { family, pending } = await before('021-refresh-token-successor', opened)
  const stores = createStores(database, changes)
  try {
    // A parent whose first successor a retry took the place of (a chain whose unused token is the second
    // successor), a parent whose only successor was used, and one whose successor is revoked.
    const retried = make.refreshToken(family, { rotatedAt: at(1) })
    const taken = make.refreshToken(family, { replaces: retried.digest, createdAt: at(1), rotatedAt: at(2) })
    const retry = make.refreshToken(family, { replaces: retried.digest, createdAt: at(2) })
    const used = make.refreshToken(family, { rotatedAt: at(1) })
    const usedSuccessor = make.refreshToken(family, { replaces: used.digest, rotatedAt: at(2) })
    const revoked = make.refreshToken(family, { rotatedAt: at(1) })
    const revokedSuccessor = make.refreshToken(family, { replaces: revoked.digest, revokedAt: at(2) })
    const tokens = [retried, retry, taken, used, usedSuccessor, revoked, revokedSuccessor]
    await insertRefreshTokens(opened, tokens)

    assert.deepEqual(await migrate(database), pending)
    for (const token of tokens) assert.deepEqual(await stores.tokens.getRefreshToken(token.digest), token)
    assert.equal(await stores.tokens.supersedeSuccessor(retried.digest, at(4)), true)
    assert.deepEqual(await stores.tokens.getRefreshToken(retry.digest), { ...retry, rotatedAt: at(4) })
    assert.equal(await stores.tokens.supersedeSuccessor(retried.digest, at(5)), false, 'spent already')
    assert.equal(await stores.tokens.supersedeSuccessor(used.digest, at(5)), false)
    assert.equal(await stores.tokens.supersedeSuccessor(revoked.digest, at(5)), false)
    for (const token of [retried, taken, usedSuccessor, revokedSuccessor])
      assert.deepEqual(await stores.tokens.getRefreshToken(token.digest), token)
  } finally {
    await stores.close()
  }
}
