import type { SqlDatabase, SqlValue } from '../../src/store/sql/driver.ts'

/** The database, counting the statements sent through it outside transactions (a spy, not a mock). */
export function countingDatabase(database: SqlDatabase): {
  readonly database: SqlDatabase
  statements(): number
} {
  let statements = 0
  return {
    database: {
      ...database,
      all: <Row>(sql: string, params?: readonly SqlValue[]) => {
        statements++
        return database.all<Row>(sql, params)
      },
      get: <Row>(sql: string, params?: readonly SqlValue[]) => {
        statements++
        return database.get<Row>(sql, params)
      },
      run: (sql, params) => {
        statements++
        return database.run(sql, params)
      },
      lookup: <Row>(sql: string, key: string, keyColumn: string) => {
        statements++
        return database.lookup<Row>(sql, key, keyColumn)
      },
      insertRow: (sql, values) => {
        statements++
        return database.insertRow(sql, values)
      },
      claimRow: (sql, params, gathered) => {
        statements++
        return database.claimRow(sql, params, gathered)
      },
    },
    statements: () => statements,
  }
}
