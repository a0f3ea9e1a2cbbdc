import type { Migration } from './migration.ts'
import { notifyOnChange } from './notify-on-change.ts'

// Every server node caches client lookups; any statement that writes the clients table, from whichever
// process or node, tells them all to forget (src/store/postgres/change-listener.ts listens). NOTIFY is
// delivered on commit, and once per transaction however many statements sent it. SQLite needs nothing:
// its cache asks PRAGMA data_version instead.
export const clientNotifications: Migration = {
  name: '002-client-notifications',
  onlyOn: 'postgres',
  statements: notifyOnChange('clients'),
}
