import type { Migration } from './migration.ts'

// One write per issued token: a token row keeps its primary key and nothing else. Whether it is still valid is
// read, not written: revoking a grant marks the grant, and a token reads as revoked from its grant's row; a token
// whose grant (or, without one, whose client) is gone reads as gone (src/store/sql/token-store.ts). So the
// indexes on grant_id, client_id and expires_at go, and with them the foreign keys, whose cascades would scan the
// tokens without those indexes (and which, on PostgreSQL, lock the parent row on every insert). The expiry sweep
// walks the primary key instead; its dead rows of deleted grants and clients go with it. SQLite rebuilds the
// tables to drop the foreign keys, keeping their rowid: WITHOUT ROWID (the row inside its key's B-tree) measured
// slower from a few hundred thousand tokens on (bench/README.md). The successor lookup of a refresh token (a
// retry within the grace period) keeps its index, only for tokens that replace another.
const accessTokenColumns = [
  'token_key TEXT PRIMARY KEY',
  "format TEXT NOT NULL CHECK (format IN ('jwt', 'opaque'))",
  'grant_id TEXT',
  'client_id TEXT NOT NULL',
  'subject TEXT NOT NULL',
  'scope TEXT NOT NULL',
  'audience TEXT NOT NULL',
  'issued_at BIGINT NOT NULL',
  'expires_at BIGINT NOT NULL',
  'revoked_at BIGINT',
  'dpop_jkt TEXT',
]

const refreshTokenColumns = [
  'digest TEXT PRIMARY KEY',
  'grant_id TEXT NOT NULL',
  'client_id TEXT NOT NULL',
  'user_id TEXT NOT NULL',
  'scope TEXT NOT NULL',
  'created_at BIGINT NOT NULL',
  'expires_at BIGINT NOT NULL',
  'absolute_expires_at BIGINT NOT NULL',
  'rotated_at BIGINT',
  'revoked_at BIGINT',
  'replaces TEXT',
  'dpop_jkt TEXT',
]

/** Rebuilds `table` (SQLite drops a constraint no other way) with `columns` and no index, keeping its rows. */
function rebuilt(table: string, columns: readonly string[]): string[] {
  const names = columns.map((column) => column.split(' ')[0]).join(', ')
  return [
    `CREATE TABLE ${table}_019 (${columns.join(', ')})`,
    `INSERT INTO ${table}_019 (${names}) SELECT ${names} FROM ${table}`,
    `DROP TABLE ${table}`,
    `ALTER TABLE ${table}_019 RENAME TO ${table}`,
  ]
}

const successorIndex =
  'CREATE INDEX refresh_tokens_replaces ON refresh_tokens (replaces) WHERE replaces IS NOT NULL'

export const oneWritePerToken: Migration = {
  name: '019-one-write-per-token',
  statements: {
    sqlite: [
      ...rebuilt('access_tokens', accessTokenColumns),
      ...rebuilt('refresh_tokens', refreshTokenColumns),
      successorIndex,
    ],
    postgres: [
      'ALTER TABLE access_tokens DROP CONSTRAINT access_tokens_grant_id_fkey',
      'ALTER TABLE access_tokens DROP CONSTRAINT access_tokens_client_id_fkey',
      'ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_grant_id_fkey',
      'DROP INDEX access_tokens_grant_id',
      'DROP INDEX access_tokens_client_id',
      'DROP INDEX access_tokens_expires_at',
      'DROP INDEX refresh_tokens_grant_id',
      'DROP INDEX refresh_tokens_expires_at',
      'DROP INDEX refresh_tokens_replaces',
      successorIndex,
    ],
  },
}
