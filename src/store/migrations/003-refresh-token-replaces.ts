import type { Migration } from './migration.ts'

// Each refresh token names the one it was exchanged for, so that a retry within the grace period can find
// and supersede the successor its first use issued (src/core/grants/refresh-token.ts).
export const refreshTokenReplaces: Migration = {
  name: '003-refresh-token-replaces',
  statements: [
    'ALTER TABLE refresh_tokens ADD COLUMN replaces TEXT',
    'CREATE INDEX refresh_tokens_replaces ON refresh_tokens (replaces)',
  ],
}
