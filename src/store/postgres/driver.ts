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
import { batchedClaims, batchedInserts, batchedLookups, type LookupParams } from './turn-statements.ts'
import { listenForChanges, type WatchedTable } from './change-listener.ts'
import { commitOutcomeUnknown, translated, unavailable } from './failures.ts'
import { type PoolTally, tallyPool } from './pool-use.ts'
import { answeredWithin, STALL_GRACE_MS } from './stall-guard.ts'
import {
  mayBeStalePlan,
  namesOn,
  PREPARED_PER_CONNECTION,
  type Statement,
  statementOf,
} from './statements.ts'

/** The advisory lock that exclusive transactions (migrations) take; any fixed number shared by every process. */
const exclusiveLockKey = 7_301_955_017

// BIGINT columns hold epoch milliseconds, which fit a double exactly; pg would hand them back as strings.
const types: pg.CustomTypesConfig = {
  getTypeParser: (id, format) =>
    id === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(id, format),
}

/**
 * Opens a pool of at most `poolSize` connections to a PostgreSQL database (postgres:// or postgresql:// URL),
 * whose statements run prepared by name unless `preparedStatements` is off (statements.ts).
 */
export function openPostgresDatabase(
  connectionString: string,
  timeouts: DatabaseTimeouts = databaseTimeoutDefaults,
  poolSize: number = databasePoolSizeDefault,
  preparedStatements = true,
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
        // Unnamed: a statement whose prepared plan went stale (statements.ts) would abort the transaction, and
        // only running `work` again could recover, which the stores' callers never expect (some emit events
        // inside). Transactions are the colder paths: the hot ones (rotation, code redemption, introspection,
        // client credentials) are single statements.
        const tx: SqlDriver = statementsOn(
          (statement, params) => connection.query(statement.text, params),
          (inner) => inner(tx),
        )
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
  const poolQuery = async (statement: Statement, params: LookupParams) => {
    scope.assertOutside()
    const connection = await checkOut(pool, tally, answerWithinMs)
    try {
      return await (preparedStatements
        ? connection.prepared(statement, params)
        : connection.query(statement.text, params))
    } finally {
      connection.release()
    }
  }
  const rowsOf = async (sql: string, params: LookupParams) => (await poolQuery(statementOf(sql), params)).rows
  const gatheredLookups = batchedLookups(rowsOf)
  const gatheredInserts = batchedInserts(rowsOf)
  const gatheredClaims = batchedClaims(rowsOf)
  // Asked at the call, not when the turn's statement goes: a caller inside a transaction is told where it calls.
  const outside = <T>(send: () => T): T => {
    scope.assertOutside()
    return send()
  }
  const poolDriver: SqlDriver = {
    ...statementsOn(poolQuery, transaction),
    lookup: (sql, key, keyColumn) => outside(() => gatheredLookups(sql, key, keyColumn)),
    insertRow: (sql, values) => outside(() => gatheredInserts(sql, values)),
    claimRow: (sql, params, gathered) => outside(() => gatheredClaims(sql, params, gathered)),
  }
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

type Query = (text: string, params?: LookupParams) => Promise<pg.QueryResult>

/** A pooled connection checked out for one statement or one transaction. */
interface CheckedOut {
  /** Sends `text` unnamed. */
  readonly query: Query
  /** Sends `statement`, alone (no transaction open), under its name when it has one and the connection has room. */
  prepared(statement: Statement, params: LookupParams): Promise<pg.QueryResult>
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
  // A prepared statement found stale: the connection may hold more, and pg cannot forget a name it prepared.
  let stale: Error | undefined
  const send = async (config: pg.QueryConfig<LookupParams>): Promise<pg.QueryResult> => {
    if (lost !== undefined) throw unavailable(lost)
    try {
      return answerWithinMs === undefined
        ? await client.query(config)
        : await answeredWithin(client, answerWithinMs, () => client.query(config))
    } catch (error) {
      throw translated(error, lost)
    }
  }
  return {
    query: (text, values = []) => send({ text, values }),
    async prepared({ text, name }, values) {
      const names = namesOn(client)
      if (name === undefined || (!names.has(name) && names.size >= PREPARED_PER_CONNECTION))
        return send({ text, values })
      const preparedBefore = names.has(name)
      names.add(name)
      try {
        return await send({ name, text, values })
      } catch (error) {
        if (!mayBeStalePlan(error)) throw error
        // The text's own fault, not a stale plan.
        if (!preparedBefore) {
          names.delete(name)
          throw error
        }
        // A migration changed what it reads since this connection prepared it. Sent alone, the statement failed
        // whole (its implicit transaction rolled back), so sending it again is safe: unnamed, analysed afresh, it
        // answers as it would have before any statement was prepared, or fails with its own error.
        stale = error as Error
        return send({ text, values })
      }
    },
    release(broken) {
      client.off('error', onError)
      client.release(lost ?? broken ?? stale)
    },
  }
}

function statementsOn(
  query: (statement: Statement, params: SqlValue[]) => Promise<pg.QueryResult>,
  transaction: SqlDriver['transaction'],
): SqlDriver {
  const run = (sql: string, params: readonly SqlValue[] = []) => query(statementOf(sql), [...params])
  const get = async <Row>(sql: string, params?: readonly SqlValue[]) =>
    (await run(sql, params)).rows[0] as Row | undefined
  return {
    all: async <Row>(sql: string, params?: readonly SqlValue[]) => (await run(sql, params)).rows as Row[],
    get,
    // Inside a transaction, one at a time: its statements share one connection.
    lookup: (sql, key) => get(sql, [key]),
    insertRow: async (sql, values) => void (await run(sql, values)),
    claimRow: async (sql, params) => (await get(sql, params)) !== undefined,
    run: async (sql, params) => ({ changes: (await run(sql, params)).rowCount ?? 0 }),
    transaction,
  }
}
