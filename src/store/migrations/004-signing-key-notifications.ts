import type { Migration } from './migration.ts'

// Every server node holds the signing keys in memory; any statement that writes the signing_keys table (a
// rotation by `keyward keys rotate`, a node's first key) tells them all to reload at once
// (src/store/postgres/key-listener.ts listens): they switch keys milliseconds apart, not a minute apart.
// SQLite serves one node: it reloads on its timer.
export const signingKeyNotifications: Migration = {
  name: '004-signing-key-notifications',
  onlyOn: 'postgres',
  statements: [
    `CREATE FUNCTION keyward_signing_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('keyward_signing_keys', '');
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION keyward_signing_keys_changed()`,
  ],
}
