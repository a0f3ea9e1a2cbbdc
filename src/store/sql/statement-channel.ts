import { tracingChannel } from 'node:diagnostics_channel'
import type { Dialect, SqlDatabase, SqlDriver } from './driver.ts'

/**
 * What each statement publishes: the dialect and the SQL text with its `?` placeholders, never the values bound to
 * them (a token's digest, a person's email address).
 */
export interface StatementMessage {
  readonly dialect: Dialect
  readonly sql: string
}

/**
 * Every statement the stores send, as a Node tracing channel (start, end, asyncStart, asyncEnd, error): tracing
 * (`src/telemetry/`) subscribes when it is on. Without a subscriber a statement costs one `hasSubscribers` check.
 */
export const statementChannel = tracingChannel<unknown, StatementMessage>('keyward:sql:statement')

/** `database` with each statement published on `statementChannel`, its transactions' statements included. */
export function publishingStatements(database: SqlDatabase): SqlDatabase {
  const { dialect } = database
  const publishing = (driver: SqlDriver): SqlDriver => {
    const traced = <T>(sql: string, send: () => Promise<T>): Promise<T> =>
      statementChannel.hasSubscribers ? statementChannel.tracePromise(send, { dialect, sql }) : send()
    return {
      all: (sql, params) => traced(sql, () => driver.all(sql, params)),
      get: (sql, params) => traced(sql, () => driver.get(sql, params)),
      run: (sql, params) => traced(sql, () => driver.run(sql, params)),
      // A span per lookup and row, gathered into one statement or not: its wait is the request's.
      lookup: (sql, key, keyColumn) => traced(sql, () => driver.lookup(sql, key, keyColumn)),
      insertRow: (sql, values) => traced(sql, () => driver.insertRow(sql, values)),
      claimRow: (sql, params, gathered) => traced(sql, () => driver.claimRow(sql, params, gathered)),
      transaction: (work) => driver.transaction((tx) => work(publishing(tx))),
    }
  }
  return {
    ...database,
    ...publishing(database),
    exclusiveTransaction: (work) => database.exclusiveTransaction((tx) => work(publishing(tx))),
  }
}
