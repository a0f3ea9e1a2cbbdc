import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** A SQLite database file in a fresh temporary directory, readable behind the server's back. */
export interface SqliteFile {
  readonly directory: string
  readonly path: string
  /** The database URL for the server and the CLI. */
  readonly url: string
  rows(table: string): Record<string, unknown>[]
  count(table: string): number
  remove(): void
}

export function sqliteFile(prefix = 'keyward-lifecycle-'): SqliteFile {
  const directory = mkdtempSync(join(tmpdir(), prefix))
  const path = join(directory, 'keyward.db')
  // A separate read-only connection: what it sees is what was committed, whatever the server holds in memory.
  const query = <T>(work: (db: DatabaseSync) => T): T => {
    const db = new DatabaseSync(path, { readOnly: true })
    try {
      return work(db)
    } finally {
      db.close()
    }
  }
  return {
    directory,
    path,
    url: `sqlite:${path}`,
    rows: (table) => query((db) => db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]),
    count: (table) =>
      query((db) => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n)),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  }
}
