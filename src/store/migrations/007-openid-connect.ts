import type { Migration } from './migration.ts'

// OpenID Connect: people's standard claims (Core §5.1); the sign-in behind each code and grant, for the ID
// tokens of the code and of its refreshes (auth_time, sid, nonce); and a public session id, sid. Sessions
// started before have no sid and end here: people sign in once more after the upgrade. SQLite requires a
// default for a NOT NULL column it adds; no row keeps it.
export const openIdConnect: Migration = {
  name: '007-openid-connect',
  statements: [
    "ALTER TABLE users ADD COLUMN claims TEXT NOT NULL DEFAULT '{}'",
    'DELETE FROM sessions',
    "ALTER TABLE sessions ADD COLUMN sid TEXT NOT NULL DEFAULT ''",
    'ALTER TABLE authorization_codes ADD COLUMN nonce TEXT',
    'ALTER TABLE authorization_codes ADD COLUMN auth_time BIGINT',
    'ALTER TABLE authorization_codes ADD COLUMN sid TEXT',
    'ALTER TABLE grants ADD COLUMN auth_time BIGINT',
    'ALTER TABLE grants ADD COLUMN sid TEXT',
  ],
}
