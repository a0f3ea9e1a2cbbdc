import { createHash } from 'node:crypto'
import pg from 'pg'

/**
 * A store statement as PostgreSQL gets it: its text with $1..$n placeholders and, for the statements the pool runs
 * outside transactions, the name each connection prepares it under once (issue #14: parsing and planning anew on
 * every call were two thirds of the server's CPU time for an introspection read, 40–50 % for a rotation).
 */
export interface Statement {
  readonly text: string
  /** Undefined for what is sent unnamed: anything but SELECT, INSERT, UPDATE, DELETE and WITH. */
  readonly name: string | undefined
}

/**
 * What a connection may hold prepared. The stores' statements are built once each (about a hundred texts in all,
 * far fewer on a server's usual paths), and each holds some 40 KB of the backend's memory; the bound only keeps a
 * caller that builds text per call (a test's ad hoc SQL, an IN list of varying length) from filling it: past it,
 * new texts go unnamed on that connection. pg cannot forget a name it prepared, so the bound never evicts.
 */
export const PREPARED_PER_CONNECTION = 200

// Only data statements go named: DDL (migrations), transaction control, SET and the advisory lock are sent once
// per transaction or once ever, and some carry values in their text.
const named = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i

const statements = new Map<string, Statement>()

/** The statement for the stores' SQL `sql` (`?` placeholders), converted and named once per distinct string. */
export function statementOf(sql: string): Statement {
  let statement = statements.get(sql)
  if (statement === undefined) {
    let n = 0
    const text = sql.replace(/\?/g, () => `$${++n}`)
    // 96 bits of the text's SHA-256: distinct texts never share a name (pg refuses a name reused for other text).
    const name = named.test(text)
      ? `kw_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
      : undefined
    statement = { text, name }
    statements.set(sql, statement)
  }
  return statement
}

/** The names each pooled connection was sent, and so may hold prepared. */
const preparedOn = new WeakMap<pg.Client, Set<string>>()

/** The names `client` was sent; kept with the connection, across its checkouts. */
export function namesOn(client: pg.Client): Set<string> {
  let names = preparedOn.get(client)
  if (names === undefined) {
    names = new Set()
    preparedOn.set(client, names)
  }
  return names
}

/**
 * Whether `error`, from a statement prepared earlier on the same connection, may be that statement's plan gone
 * stale: a migration (another node's, or `keyward migrate` beside a live server) changed a table it reads since
 * PostgreSQL parsed it. A `SELECT *` or `RETURNING *` of a table that gained a column fails with 0A000 "cached
 * plan must not change result type"; a column that changed type fails the parameter types inferred then (42804
 * datatype mismatch, 42883 no such operator) or the result's (0A000). Both are raised while the statement is
 * analysed or planned again, before it runs; the same text sent unnamed is analysed afresh.
 */
export function mayBeStalePlan(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError) || error.code === undefined) return false
  return error.code === '0A000' || error.code.startsWith('42')
}
