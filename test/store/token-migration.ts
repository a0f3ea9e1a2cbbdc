import assert from 'node:assert/strict'
import { migrations } from '../../src/store/migrations/index.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import { statementsOn } from '../../src/store/migrations/migration.ts'
import type { OpenedDatabase } from '../../src/store/sql/driver.ts'
import { createStores } from '../../src/store/sql/stores.ts'
import * as make from '../support/fixtures.ts'

const { at } = make

/**
 * Migration 019 rebuilds the token tables on SQLite and drops their indexes and foreign keys on PostgreSQL: on an
 * empty database migrated up to it, tokens written before it read the same after, revoked ones included.
 */
export async function tokensOutliveMigration019({ database, changes }: OpenedDatabase): Promise<void> {
  const upTo = migrations.findIndex((migration) => migration.name === '019-one-write-per-token')
  await database.exclusiveTransaction(async (tx) => {
    await tx.run('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)')
    for (const migration of migrations.slice(0, upTo)) {
      for (const statement of statementsOn(migration, database.dialect)) await tx.run(statement)
      await tx.run('INSERT INTO schema_migrations (name, applied_at) VALUES (?, 0)', [migration.name])
    }
  })
  // The parents as the schema before 019 holds them, in the columns every later migration keeps: the stores'
  // statements may name columns that come after.
  const owner = { client: make.client(), user: make.user() }
  const family = make.grant(owner)
  await database.run(
    `INSERT INTO clients (id, name, type, token_endpoint_auth_method, redirect_uris, grant_types, scopes,
      default_scopes, legacy_flows, access_token_format, can_introspect, created_at, updated_at)
      VALUES (?, 'Before 019', 'confidential', 'client_secret_basic', '[]', '[]', '[]', '[]', '[]', 'opaque', 0, ?, ?)`,
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
  const stores = createStores(database, changes)
  try {
    const parent = make.refreshToken(family, { rotatedAt: at(1) })
    const refresh = [
      parent,
      make.refreshToken(family, { replaces: parent.digest }),
      make.refreshToken(family, { revokedAt: at(2), dpopJkt: null }),
    ]
    const access = [make.accessToken(family), make.clientJwt(owner.client, { revokedAt: at(3) })]
    for (const token of refresh) await stores.tokens.createRefreshToken(token)
    for (const token of access) await stores.tokens.createAccessToken(token)

    assert.deepEqual(
      await migrate(database),
      migrations.slice(upTo).map((migration) => migration.name),
    )
    for (const token of refresh) assert.deepEqual(await stores.tokens.getRefreshToken(token.digest), token)
    for (const token of access) assert.deepEqual(await stores.tokens.getAccessToken(token.key), token)
    // The successor lookup of a grace-period retry still finds the token issued for a digest.
    assert.equal(await stores.tokens.supersedeSuccessor(parent.digest, at(4)), true)
  } finally {
    await stores.close()
  }
}
