import type { Migration } from './migration.ts'

// RFC 9126 pushed authorization requests: the parameters a client pushed (JSON), under the digest of their
// request_uri, used once; and per client, whether it must push (RFC 9126 §6) and the security profile it is
// held to (FAPI 2.0). SQLite requires a default for a NOT NULL column it adds.
export const pushedAuthorizationRequests: Migration = {
  name: '012-pushed-authorization-requests',
  statements: [
    `CREATE TABLE pushed_authorization_requests (
      digest TEXT PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      parameters TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      used_at BIGINT
    )`,
    'CREATE INDEX pushed_authorization_requests_expires_at ON pushed_authorization_requests (expires_at)',
    'CREATE INDEX pushed_authorization_requests_client_id ON pushed_authorization_requests (client_id)',
    'ALTER TABLE clients ADD COLUMN require_pushed_authorization_requests INTEGER NOT NULL DEFAULT 0 CHECK (require_pushed_authorization_requests IN (0, 1))',
    'ALTER TABLE clients ADD COLUMN security_profile TEXT',
  ],
}
