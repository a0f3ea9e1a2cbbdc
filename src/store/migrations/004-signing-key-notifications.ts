import type { Migration } from './migration.ts'
import { notifyOnChange } from './notify-on-change.ts'

// Every server node holds the signing keys in memory; any statement that writes the signing_keys table (a
// rotation by `keyward keys rotate`, a node's first key) tells them all to reload at once
// (src/store/postgres/change-listener.ts listens): they switch keys milliseconds apart, not a minute apart.
// SQLite serves one node: it reloads on its timer.
export const signingKeyNotifications: Migration = {
  name: '004-signing-key-notifications',
  onlyOn: 'postgres',
  statements: notifyOnChange('signing_keys'),
}
