import type { Migration } from './migration.ts'
import { notifyOnChange } from './notify-on-change.ts'

// Every server node caches resource lookups (each token request naming a `resource`, RFC 8707), as it does
// clients (migration 002): any statement that writes the resources table, from whichever process or node, tells
// them all to forget (src/store/postgres/change-listener.ts listens). SQLite's cache asks PRAGMA data_version instead.
export const resourceNotifications: Migration = {
  name: '013-resource-notifications',
  onlyOn: 'postgres',
  statements: notifyOnChange('resources'),
}
