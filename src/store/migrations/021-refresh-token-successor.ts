import type { Migration } from './migration.ts'

// A rotated refresh token names its successor in its own row: the rotation's claim already writes that row, so
// recording the successor there costs no extra write, where the index on `replaces` (the successor lookup of a
// retry within the grace period) was one more B-tree written with every rotated token: on SQLite 1.36 of the
// 4.9 WAL pages of a rotation, on PostgreSQL an index insert. A retry now reads its successor under the primary
// key. The backfill goes through that index one last time; of the several tokens a parent may have been
// exchanged for (each retry within the grace period issues one), it keeps the one still unused, as the retry's
// lookup did. `replaces` stays: the store reads it to link a token to its parent when storing it.
export const refreshTokenSuccessor: Migration = {
  name: '021-refresh-token-successor',
  statements: [
    'ALTER TABLE refresh_tokens ADD COLUMN successor TEXT',
    `UPDATE refresh_tokens SET successor = (
      SELECT c.digest FROM refresh_tokens c WHERE c.replaces = refresh_tokens.digest
      ORDER BY (c.rotated_at IS NULL AND c.revoked_at IS NULL) DESC, c.created_at DESC LIMIT 1)
      WHERE digest IN (SELECT replaces FROM refresh_tokens WHERE replaces IS NOT NULL)`,
    'DROP INDEX refresh_tokens_replaces',
  ],
}
