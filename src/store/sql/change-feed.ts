/**
 * Whether a table may have been written through another connection (another process or node) since the
 * previous ask: 'unknown' while the feed cannot tell, when nothing cached from it may be trusted.
 */
export type ExternalChange = 'unchanged' | 'changed' | 'unknown'

/**
 * Writes to one table by other processes and nodes: PostgreSQL LISTEN/NOTIFY (src/store/postgres/change-listener.ts)
 * or SQLite's PRAGMA data_version (src/store/sqlite/driver.ts). Asked before every cached lookup, so it answers
 * without a round trip to the database. It lives and closes with the database it came from.
 */
export interface ChangeFeed {
  check(): ExternalChange
}
