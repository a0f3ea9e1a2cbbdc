import type { SqlValue } from '../sql/driver.ts'

/** The most keys one statement looks up; a busier turn sends several. */
export const KEYS_PER_LOOKUP = 100

/** A statement's parameters: the stores' values, or a lookup's keys as one text[] (pg sends a JS array so). */
export type LookupParams = SqlValue[] | [readonly string[]]

type Rows = (sql: string, params: LookupParams) => Promise<Record<string, unknown>[]>

interface Waiting {
  resolve(row: Record<string, unknown> | undefined): void
  reject(error: unknown): void
}

/** The lookups of one statement text gathered in this turn, by key. */
interface Batch {
  readonly keyColumn: string
  readonly waiting: Map<string, Waiting[]>
}

/**
 * `SqlDriver.lookup` on PostgreSQL's pool. A round trip costs far more than a row (the driver's work for one
 * statement and the loopback write were most of an introspection's CPU, issue #14), and the HTTP layer starts
 * the requests of a busy turn together (src/http/app.ts): the lookups they make with the same text before the
 * turn's microtasks run out go as one statement, `= ?` made `= ANY(?)` over their distinct keys, and each gets
 * its row. Alone, a lookup goes as it is. A failed statement fails every lookup it carried, as each would have
 * failed alone.
 */
export function batchedLookups(rows: Rows) {
  const gathering = new Map<string, Batch>()
  const anyOf = new Map<string, string>()

  const send = async (sql: string, { keyColumn, waiting }: Batch) => {
    const keys = [...waiting.keys()]
    try {
      const found = keys.length === 1 ? await rows(sql, keys) : await rows(batchedSql(sql, anyOf), [keys])
      const byKey = new Map(found.map((row) => [row[keyColumn] as string, row]))
      for (const [key, waiters] of waiting) for (const waiter of waiters) waiter.resolve(byKey.get(key))
    } catch (error) {
      for (const waiters of waiting.values()) for (const waiter of waiters) waiter.reject(error)
    }
  }

  return <Row>(sql: string, key: string, keyColumn: string): Promise<Row | undefined> =>
    new Promise<Row | undefined>((resolve, reject) => {
      let batch = gathering.get(sql)
      if (batch === undefined || batch.waiting.size >= KEYS_PER_LOOKUP) {
        const gathered: Batch = { keyColumn, waiting: new Map() }
        gathering.set(sql, gathered)
        // process.nextTick runs once the microtasks queued now have run out: every handler of the turn has then
        // gone as far as it can without a round trip.
        process.nextTick(() => {
          if (gathering.get(sql) === gathered) gathering.delete(sql)
          void send(sql, gathered)
        })
        batch = gathered
      }
      const waiter: Waiting = { resolve: resolve as Waiting['resolve'], reject }
      const waiters = batch.waiting.get(key)
      if (waiters === undefined) batch.waiting.set(key, [waiter])
      else waiters.push(waiter)
    })
}

/** `sql` with its one `= ?` made `= ANY(?)`, built once per text. */
function batchedSql(sql: string, built: Map<string, string>): string {
  let batched = built.get(sql)
  if (batched === undefined) {
    const [before, after, ...more] = sql.split('= ?')
    if (after === undefined || more.length > 0 || after.includes('?'))
      throw new Error(`A lookup has exactly one parameter, compared by "= ?": ${sql}`)
    batched = `${before}= ANY(?)${after}`
    built.set(sql, batched)
  }
  return batched
}
