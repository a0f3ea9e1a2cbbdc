import type { Migration } from './migration.ts'

// Resources (RFC 8707): the APIs tokens are issued for, each with its own token settings; the resources a client
// targets by default; and the resources each code, device code, grant and consent was authorized for, so that a
// token request may narrow them, never widen. Every existing row keeps the server-wide audience ('[]').
export const resources: Migration = {
  name: '008-resources',
  statements: [
    `CREATE TABLE resources (
      identifier TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      scopes TEXT NOT NULL,
      access_token_format TEXT CHECK (access_token_format IN ('jwt', 'opaque')),
      access_token_lifetime INTEGER,
      serve_metadata INTEGER NOT NULL CHECK (serve_metadata IN (0, 1)),
      created_at BIGINT NOT NULL
    )`,
    "ALTER TABLE clients ADD COLUMN default_resources TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE authorization_codes ADD COLUMN resources TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE device_codes ADD COLUMN resources TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE grants ADD COLUMN resources TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE consents ADD COLUMN resources TEXT NOT NULL DEFAULT '[]'",
  ],
}
