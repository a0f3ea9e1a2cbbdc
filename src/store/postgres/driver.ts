import pg from 'pg'
import {
  type DatabaseTimeouts,
  databasePoolSizeDefault,
  databaseTimeoutDefaults,
  TemporarilyUnavailable,
} from '../../core/index.ts'
import type { ChangeFeed } from '../sql/change-feed.ts'
import type { OpenedDatabase, SqlDriver, SqlValue } from '../sql/driver.ts'
import { transactionScope } from '../sql/transaction-scope.ts'
import { listenForChanges, type WatchedTable } from './change-listener.ts'
import { commitOutcomeUnknown, translated, unavailable } from './failures.ts'
import { type PoolTally, tallyPool } from './pool-use.ts'
import { answeredWithin, STALL_GRACE_MS } from './stall-guard.ts'

/** The advisory lock that exclusive transactions (migrations) take; any fixed number shared by every process. */
const exclusiveLockKey = 7_301_955_017

// BIGINT columns hold epoch milliseconds, which fit a double exactly; pg would hand them back as strings.
const types: pg.CustomTypesConfig = {
  getTypeParser: (id, format) =>
    id === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(id, format),
}

/** Opens a pool of at most `poolSize` connections to a PostgreSQL database (postgres:// or postgresql:// URL). */
export function openPostgresDatabase(
  connectionString: string,
  timeouts: DatabaseTimeouts = databaseTimeoutDefaults,
  poolSize: number = databasePoolSizeDefault,
): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString,
    types,
    max: poolSize,
    // pg-pool bounds the wait for a connection with this, opening one included; the client class the connect.
    connectionTimeoutMillis: timeouts.acquireTimeoutMs,
    Client: clientConnectingWithin(timeouts.connectTimeoutMs),
    statement_timeout: timeouts.statementTimeoutMs,
  })
  const tally = tallyPool(pool, poolSize)
  const scope = transactionScope()
  const answerWithinMs = timeouts.statementTimeoutMs + STALL_GRACE_MS

  const inTransaction =
    (exclusive: boolean) =>
    async <T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> => {
      scope.assertOutside()
      // Exclusive transactions (migrations) may wait for another node's and rewrite large tables: no timeout.
      const connection = await checkOut(pool, tally, exclusive ? undefined : answerWithinMs)
      let broken: Error | undefined
      try {
        await connection.query('BEGIN')
        if (exclusive) {
          await connection.query('SET LOCAL statement_timeout = 0')
          await connection.query(`SELECT pg_advisory_xact_lock(${exclusiveLockKey})`)
        }
        const tx: SqlDriver = statementsOn(connection.query, (inner) => inner(tx))
        const result = await scope.run(() => work(tx))
        await connection.query('COMMIT').catch((error: unknown) => {
          throw error instanceof TemporarilyUnavailable ? commitOutcomeUnknown(error) : error
        })
        return result
      } catch (error) {
        await connection.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError
        })
        throw error
      } finally {
        // A connection that could not roll back is destroyed rather than handed to the next caller.
        connection.release(broken)
      }
    }
  const transaction = inTransaction(false)
  const poolDriver = statementsOn(async (sql, params) => {
    scope.assertOutside()
    const connection = await checkOut(pool, tally, answerWithinMs)
    try {
      return await connection.query(sql, params)
    } finally {
      connection.release()
    }
  }, transaction)
  // The process's one LISTEN connection, shared with its other Stores and its signing key watch.
  const listener = listenForChanges(connectionString, timeouts)
  const feedOf = (table: WatchedTable): ChangeFeed => {
    const feed = listener.feed(table)
    return {
      check: () => {
        scope.assertOutside()
        return feed.check()
      },
    }
  }

  return {
    database: {
      ...poolDriver,
      dialect: 'postgres',
      exclusiveTransaction: inTransaction(true),
      connectionUse: tally.use,
      close: async () => {
        await Promise.all([listener.close(), pool.end()])
      },
    },
    changes: { clients: feedOf('clients'), resources: feedOf('resources') },
  }
}

/** pg-pool hands every client its own connectionTimeoutMillis (the acquire timeout): this class connects within `ms`. */
function clientConnectingWithin(ms: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: ms })
    }
  }
}

type Query = (sql: string, params?: SqlValue[]) => Promise<pg.QueryResult>

/** A pooled connection checked out for one statement or one transaction. */
interface CheckedOut {
  readonly query: Query
  /** Back to the pool; destroyed instead if it was lost or `broken` says it is in an unknown state. */
  release(broken?: Error): void
}

/**
 * Checks a connection out of the pool and watches it while it is out. pg gives a checked-out client no 'error'
 * listener: a connection lost between two statements of a transaction would end the process.
 */
async function checkOut(
  pool: pg.Pool,
  tally: PoolTally,
  answerWithinMs: number | undefined,
): Promise<CheckedOut> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    tally.acquireFailed()
    throw unavailable(error)
  }
  let lost: Error | undefined
  const onError = (error: Error) => {
    if (lost === undefined) tally.lost()
    lost ??= error
  }
  client.on('error', onError)
  return {
    async query(sql, params = []) {
      if (lost !== undefined) throw unavailable(lost)
      try {
        return answerWithinMs === undefined
          ? await client.query(sql, params)
          : await answeredWithin(client, answerWithinMs, () => client.query(sql, params))
      } catch (error) {
        throw translated(error, lost)
      }
    },
    release(broken) {
      client.off('error', onError)
      client.release(lost ?? broken)
    },
  }
}

function statementsOn(query: Query, transaction: SqlDriver['transaction']): SqlDriver {
  const run = (sql: string, params: readonly SqlValue[] = []) => query(numbered(sql), [...params])
  return {
    all: async <Row>(sql: string, params?: readonly SqlValue[]) => (await run(sql, params)).rows as Row[],
    get: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      (await run(sql, params)).rows[0] as Row | undefined,
    run: async (sql, params) => ({ changes: (await run(sql, params)).rowCount ?? 0 }),
    transaction,
  }
}

const numberedSql = new Map<string, string>()

/** The stores write `?` placeholders; PostgreSQL wants $1..$n. Converted once per distinct SQL string. */
function numbered(sql: string): string {
  let text = numberedSql.get(sql)
  if (text === undefined) {
    let n = 0
    text = sql.replace(/\?/g, () => `$${++n}`)
    numberedSql.set(sql, text)
  }
  return text
}
