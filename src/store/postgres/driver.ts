import pg from 'pg'
import type { SqlDatabase, SqlDriver, SqlValue } from '../sql/driver.ts'
import { transactionScope } from '../sql/transaction-scope.ts'
import { listenForClientChanges } from './client-listener.ts'

/** The advisory lock that exclusive transactions (migrations) take; any fixed number shared by every process. */
const exclusiveLockKey = 7_301_955_017

// BIGINT columns hold epoch milliseconds, which fit a double exactly; pg would hand them back as strings.
const types: pg.CustomTypesConfig = {
  getTypeParser: (id, format) =>
    id === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(id, format),
}

/** Opens a pool of connections to a PostgreSQL database (postgres:// or postgresql:// URL). */
export function openPostgresDatabase(connectionString: string): SqlDatabase {
  const pool = new pg.Pool({ connectionString, types })
  // An idle connection that the server drops is discarded by the pool; the next query opens a new one.
  pool.on('error', ignore)
  const scope = transactionScope()

  const inTransaction =
    (lock: boolean) =>
    async <T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> => {
      scope.assertOutside()
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        if (lock) await client.query(`SELECT pg_advisory_xact_lock(${exclusiveLockKey})`)
        const tx: SqlDriver = statementsOn(client, (inner) => inner(tx))
        const result = await scope.run(() => work(tx))
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError
        })
        throw error
      } finally {
        // A connection that could not roll back is destroyed rather than handed to the next caller.
        client.release(broken)
      }
    }
  const transaction = inTransaction(false)
  const poolDriver = statementsOn(pool, transaction, scope.assertOutside)
  const listener = listenForClientChanges(connectionString)

  return {
    ...poolDriver,
    dialect: 'postgres',
    exclusiveTransaction: inTransaction(true),
    clientsChangedElsewhere: () => {
      scope.assertOutside()
      return listener.check()
    },
    close: async () => {
      await Promise.all([listener.close(), pool.end()])
    },
  }
}

interface Queryable {
  query(text: string, values: SqlValue[]): Promise<pg.QueryResult>
}

function statementsOn(
  target: Queryable,
  transaction: SqlDriver['transaction'],
  check: () => void = ignore,
): SqlDriver {
  const query = (sql: string, params: readonly SqlValue[] = []) => {
    check()
    return target.query(numbered(sql), [...params])
  }
  return {
    all: async <Row>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as Row[],
    get: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      (await query(sql, params)).rows[0] as Row | undefined,
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
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

function ignore(): void {}
