import type { Migration } from './migration.ts'

// Every server node caches client lookups; any statement that writes the clients table, from whichever
// process or node, tells them all to forget (src/store/postgres/client-listener.ts listens). NOTIFY is
// delivered on commit, and once per transaction however many statements sent it. SQLite needs nothing:
// its cache asks PRAGMA data_version instead.
export const clientNotifications: Migration = {
  name: '002-client-notifications',
  onlyOn: 'postgres',
  statements: [
    `CREATE FUNCTION keyward_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('keyward_clients', '');
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION keyward_clients_changed()`,
  ],
}
