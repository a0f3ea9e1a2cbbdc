import type { Migration } from './migration.ts'

// Portable DDL: TEXT, INTEGER and BIGINT (epoch milliseconds) only; lists are JSON text; booleans 0/1.
// Secrets appear only as digests. Deleting a client or a user cascades to everything that hangs off it.
export const initial: Migration = {
  name: '001-initial',
  statements: [
    `CREATE TABLE clients (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('confidential', 'public')),
      secret_digest TEXT,
      token_endpoint_auth_method TEXT NOT NULL,
      redirect_uris TEXT NOT NULL,
      grant_types TEXT NOT NULL,
      scopes TEXT NOT NULL,
      default_scopes TEXT NOT NULL,
      legacy_flows TEXT NOT NULL,
      access_token_format TEXT NOT NULL CHECK (access_token_format IN ('jwt', 'opaque')),
      access_token_lifetime INTEGER,
      refresh_idle_lifetime INTEGER,
      refresh_absolute_lifetime INTEGER,
      can_introspect INTEGER NOT NULL CHECK (can_introspect IN (0, 1)),
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`,

    `CREATE TABLE users (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,

    `CREATE TABLE grants (
      id TEXT PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      scope TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      revoked_at BIGINT,
      revoked_reason TEXT
    )`,
    'CREATE INDEX grants_user_id ON grants (user_id)',
    'CREATE INDEX grants_client_id ON grants (client_id)',

    `CREATE TABLE authorization_codes (
      digest TEXT PRIMARY KEY,
      client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      redirect_uri TEXT NOT NULL,
      code_challenge TEXT NOT NULL,
      scope TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      grant_id TEXT REFERENCES grants (id) ON DELETE CASCADE,
      used_at BIGINT,
      created_at BIGINT NOT NULL
    )`,
    'CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at)',
    'CREATE INDEX authorization_codes_client_id ON authorization_codes (client_id)',
    'CREATE INDEX authorization_codes_user_id ON authorization_codes (user_id)',
    'CREATE INDEX authorization_codes_grant_id ON authorization_codes (grant_id)',

    // client_id and user_id repeat the grant's; the grant's cascade removes the token.
    `CREATE TABLE refresh_tokens (
      digest TEXT PRIMARY KEY,
      grant_id TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
      client_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      scope TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      absolute_expires_at BIGINT NOT NULL,
      rotated_at BIGINT,
      revoked_at BIGINT
    )`,
    'CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id)',
    'CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at)',

    // token_key is an opaque token's digest or a JWT's jti; client credentials tokens have no grant.
    `CREATE TABLE access_tokens (
      token_key TEXT PRIMARY KEY,
      format TEXT NOT NULL CHECK (format IN ('jwt', 'opaque')),
      grant_id TEXT REFERENCES grants (id) ON DELETE CASCADE,
      client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      subject TEXT NOT NULL,
      scope TEXT NOT NULL,
      audience TEXT NOT NULL,
      issued_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      revoked_at BIGINT
    )`,
    'CREATE INDEX access_tokens_grant_id ON access_tokens (grant_id)',
    'CREATE INDEX access_tokens_client_id ON access_tokens (client_id)',
    'CREATE INDEX access_tokens_expires_at ON access_tokens (expires_at)',

    `CREATE TABLE consents (
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      scope TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (user_id, client_id)
    )`,
    'CREATE INDEX consents_client_id ON consents (client_id)',

    `CREATE TABLE sessions (
      digest TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      auth_time BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    )`,
    'CREATE INDEX sessions_user_id ON sessions (user_id)',
    'CREATE INDEX sessions_expires_at ON sessions (expires_at)',

    `CREATE TABLE device_codes (
      device_code_digest TEXT PRIMARY KEY,
      user_code_digest TEXT NOT NULL UNIQUE,
      client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
      scope TEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      interval_seconds INTEGER NOT NULL,
      last_polled_at BIGINT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
      user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
      created_at BIGINT NOT NULL
    )`,
    'CREATE INDEX device_codes_client_id ON device_codes (client_id)',
    'CREATE INDEX device_codes_user_id ON device_codes (user_id)',
    'CREATE INDEX device_codes_expires_at ON device_codes (expires_at)',

    `CREATE TABLE signing_keys (
      kid TEXT PRIMARY KEY,
      alg TEXT NOT NULL,
      public_jwk TEXT NOT NULL,
      encrypted_private_jwk TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      retired_at BIGINT,
      publish_until BIGINT
    )`,
  ],
}
