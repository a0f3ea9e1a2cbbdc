import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { operationReceivedAt } from '../../core/ports/operation.ts'
import type { ChangeFeed } from '../sql/change-feed.ts'
import type { OpenedDatabase, SqlDriver, SqlValue } from '../sql/driver.ts'
import { transactionScope } from '../sql/transaction-scope.ts'

/** How long a statement waits for another process's write lock before it fails. */
const busyTimeoutMs = 5000

/**
 * Opens a SQLite database file (or ':memory:') through node:sqlite. `now` is the clock of
 * `operationReceivedAt` (tests pass a fake one).
 */
export function openSqliteDatabase(
  path: string,
  now: () => number = () => performance.now(),
): OpenedDatabase {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: busyTimeoutMs })
  // WAL lets readers in other processes go on while one process writes.
  db.exec('PRAGMA journal_mode = WAL')
  // With WAL, NORMAL syncs at checkpoints instead of on every commit: no fsync per commit blocks the event
  // loop (the README's SQLite notes give the figures). A process crash loses nothing; a power cut may lose the
  // last commits (tokens just issued, which clients then request again). See the README's SQLite notes.
  db.exec('PRAGMA synchronous = NORMAL')
  const prepared = new Map<string, StatementSync>()
  const prepare = (sql: string): StatementSync => {
    let statement = prepared.get(sql)
    if (statement === undefined) {
      statement = db.prepare(sql)
      prepared.set(sql, statement)
    }
    return statement
  }

  // Runs at once; only ever called when no transaction is open, or from inside the open one.
  const direct: SqlDriver = {
    all: async <Row>(sql: string, params: readonly SqlValue[] = []) => prepare(sql).all(...params) as Row[],
    get: async <Row>(sql: string, params: readonly SqlValue[] = []) =>
      prepare(sql).get(...params) as Row | undefined,
    run: async (sql, params = []) => ({ changes: Number(prepare(sql).run(...params).changes) }),
    lookup: (sql, key) => direct.get(sql, [key]),
    insertRow: async (sql, values) => void (await direct.run(sql, values)),
    claimRow: async (sql, params) => (await direct.get(sql, params)) !== undefined,
    transaction: (work) => work(direct),
  }

  // node:sqlite is synchronous but a transaction's work is async: one queue keeps every other caller's
  // statements (and transactions) out of an open transaction until it commits or rolls back.
  const scope = transactionScope()
  let tail: Promise<unknown> = Promise.resolve()
  // Statements and transactions handed in and not yet settled: the first has the connection, the rest wait.
  let queued = 0
  const settled = () => {
    queued--
  }
  const serialize = <T>(task: () => Promise<T>): Promise<T> => {
    scope.assertOutside()
    queued++
    const result = tail.then(task)
    tail = result.then(settled, settled)
    return result
  }
  const transaction = <T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> =>
    serialize(async () => {
      // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
      db.exec('BEGIN IMMEDIATE')
      try {
        const result = await scope.run(() => work(direct))
        db.exec('COMMIT')
        return result
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK')
        throw error
      }
    })

  // data_version moves only when another connection commits: our own writes invalidate the caches themselves.
  const dataVersion = db.prepare('PRAGMA data_version')
  // One feed per cached table, each remembering the version it last saw. Synchronous and outside the queue: a
  // lookup served from memory never waits behind an open transaction.
  const dataVersionFeed = (): ChangeFeed => {
    let seenVersion: number | undefined
    // When the last check began: it saw every commit made before then.
    let checkedAt = -Infinity
    return {
      check() {
        scope.assertOutside()
        // A write another process acknowledged before this operation was sent had committed when it arrived,
        // so a check begun since then saw it: the requests of one busy turn, which the HTTP layer starts together
        // after the turn has read them all (src/http/app.ts), share one PRAGMA. Whoever made
        // that check has already forgotten what it reported. Outside an operation (the CLI, sweeps), always ask.
        const receivedAt = operationReceivedAt()
        if (receivedAt !== undefined && receivedAt <= checkedAt) return 'unchanged'
        checkedAt = now()
        const { data_version: version } = dataVersion.get() as { data_version: number }
        const moved = version !== seenVersion
        seenVersion = version
        return moved ? 'changed' : 'unchanged'
      },
    }
  }

  return {
    database: {
      dialect: 'sqlite',
      all: (sql, params) => serialize(() => direct.all(sql, params)),
      get: (sql, params) => serialize(() => direct.get(sql, params)),
      run: (sql, params) => serialize(() => direct.run(sql, params)),
      // One connection, and a statement costs no round trip: nothing to gather.
      lookup: (sql, key, keyColumn) => serialize(() => direct.lookup(sql, key, keyColumn)),
      insertRow: (sql, values) => serialize(() => direct.insertRow(sql, values)),
      claimRow: (sql, params, gathered) => serialize(() => direct.claimRow(sql, params, gathered)),
      transaction,
      // BEGIN IMMEDIATE already holds the database's only write lock, which excludes every other process's writer.
      exclusiveTransaction: transaction,
      // One connection, opened with the database; nothing to lose or fail to acquire. A wait for another
      // process's write lock (up to busyTimeoutMs) happens inside SQLite, which does not report it.
      connectionUse: () => ({
        open: 1,
        idle: queued === 0 ? 1 : 0,
        waiting: Math.max(queued - 1, 0),
        max: 1,
        opened: 1,
        lost: 0,
        acquireFailures: 0,
      }),
      close: () => serialize(async () => db.close()),
    },
    changes: { clients: dataVersionFeed(), resources: dataVersionFeed() },
  }
}
