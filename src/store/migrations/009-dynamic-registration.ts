import type { Migration } from './migration.ts'

// RFC 7591/7592 dynamic client registration. On clients: the digest of the registration access token (NULL for an
// operator's client, which is how the two are told apart), what the client registered for people to see (JSON),
// and when it first received a token (unused dynamic clients expire). Initial access tokens (RFC 7591 §3) are
// kept as digests, with what is left of their uses.
export const dynamicRegistration: Migration = {
  name: '009-dynamic-registration',
  statements: [
    'ALTER TABLE clients ADD COLUMN registration_access_token_digest TEXT',
    'ALTER TABLE clients ADD COLUMN registration_links TEXT',
    'ALTER TABLE clients ADD COLUMN first_used_at BIGINT',
    `CREATE TABLE initial_access_tokens (
      id TEXT PRIMARY KEY,
      digest TEXT NOT NULL UNIQUE,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      uses_left INTEGER NOT NULL
    )`,
  ],
}
