import pg from 'pg'
import { InvalidRequest } from '../../core/index.ts'
import type { GatheredClaim, SqlValue } from '../sql/driver.ts'

/** The most keys one lookup statement carries, and rows one insert statement: a busier turn sends several. */
export const PER_STATEMENT = 64

/** A statement's parameters: the stores' values, or a lookup's keys as one text[] (pg sends a JS array so). */
export type LookupParams = SqlValue[] | [readonly string[]]

type Rows = (sql: string, params: LookupParams) => Promise<Record<string, unknown>[]>

interface Waiting<T> {
  resolve(value: T): void
  reject(error: unknown): void
}

/**
 * Calls `send` once per text with what was asked of that text since the turn's microtasks began to run, at most
 * `most` items a call. process.nextTick runs once the microtasks queued now have run out: every handler of the
 * turn (the HTTP layer starts them together, src/http/app.ts) has then gone as far as it can without a round trip.
 */
function perTurn<Item>(most: number, send: (sql: string, items: Item[]) => Promise<void>) {
  const gathering = new Map<string, Item[]>()
  return (sql: string, item: Item) => {
    let items = gathering.get(sql)
    if (items === undefined || items.length >= most) {
      const gathered: Item[] = []
      gathering.set(sql, gathered)
      process.nextTick(() => {
        if (gathering.get(sql) === gathered) gathering.delete(sql)
        void send(sql, gathered)
      })
      items = gathered
    }
    items.push(item)
  }
}

/** Settles each of `waiting` as `send` settles: a failed statement fails everything it carried, as each alone. */
async function settle<T, W extends Waiting<T>>(waiting: readonly W[], send: () => Promise<(waiter: W) => T>) {
  try {
    const answer = await send()
    for (const waiter of waiting) waiter.resolve(answer(waiter))
  } catch (error) {
    for (const waiter of waiting) waiter.reject(error)
  }
}

interface Lookup extends Waiting<Record<string, unknown> | undefined> {
  readonly key: string
  readonly keyColumn: string
}

/**
 * `SqlDriver.lookup` on PostgreSQL's pool. A round trip costs far more than a row (the driver's work for one
 * statement and the loopback write were most of an introspection's CPU, issue #14): the lookups of a turn with
 * the same text go as one statement, `= ?` made `= ANY(?)` over their distinct keys, and each gets its row. Alone,
 * a lookup goes as it is.
 */
export function batchedLookups(rows: Rows) {
  const anyOf = new Map<string, string>()
  const gather = perTurn<Lookup>(PER_STATEMENT, (sql, lookups) =>
    settle(lookups, async () => {
      const keys = [...new Set(lookups.map((lookup) => lookup.key))]
      const found = keys.length === 1 ? await rows(sql, keys) : await rows(anySql(sql, anyOf), [keys])
      const keyColumn = lookups[0]!.keyColumn
      const byKey = new Map(found.map((row) => [row[keyColumn] as string, row]))
      return (lookup) => byKey.get(lookup.key)
    }),
  )
  return <Row>(sql: string, key: string, keyColumn: string): Promise<Row | undefined> =>
    new Promise((resolve, reject) =>
      gather(sql, { key, keyColumn, resolve: resolve as Lookup['resolve'], reject }),
    )
}

interface Insert extends Waiting<void> {
  readonly values: readonly SqlValue[]
}

/**
 * `SqlDriver.insertRow` on PostgreSQL's pool: the rows a turn inserts with the same single-row `INSERT … VALUES
 * (…)` go as multi-row statements. Each carries a power of two of rows (37 rows: 32, 4 and 1), so that a table
 * has at most seven texts to prepare.
 */
export function batchedInserts(run: (sql: string, params: SqlValue[]) => Promise<unknown>) {
  const texts = new Map<string, string>()
  const gather = perTurn<Insert>(PER_STATEMENT, async (sql, inserts) => {
    const sends: Promise<void>[] = []
    for (let from = 0; from < inserts.length;) {
      const rows = 2 ** Math.floor(Math.log2(inserts.length - from))
      const chunk = inserts.slice(from, from + rows)
      from += rows
      sends.push(
        settle(chunk, async () => {
          const values = chunk.flatMap((insert) => insert.values)
          await run(rows === 1 ? sql : multiRowSql(sql, rows, texts), values)
          return () => undefined
        }),
      )
    }
    await Promise.all(sends)
  })
  return (sql: string, values: readonly SqlValue[]): Promise<void> =>
    new Promise((resolve, reject) => gather(sql, { values, resolve, reject }))
}

interface Claim extends Waiting<boolean> {
  readonly sql: string
  readonly params: readonly SqlValue[]
  readonly gathered: GatheredClaim
}

/**
 * `SqlDriver.claimRow` on PostgreSQL's pool: the claims of a turn with the same gathered text (rotations with the
 * same rows to insert) go as one statement, whose one commit is the round trip and WAL flush each would have had.
 * A key asked for again in the turn (a client racing itself) goes in a statement sent after the first settled: it
 * then finds the row claimed, as if it had lost a race, and one statement never holds two claims of one row. The
 * inputs are sorted by key, so that concurrent statements over the same rows tend to lock them in one order. Alone,
 * a claim goes as it is.
 */
export function batchedClaims(rows: Rows) {
  const alone = (claim: Claim) =>
    settle([claim], async () => {
      const claimed = (await rows(claim.sql, [...claim.params])).length > 0
      return () => claimed
    })
  const together = async (sql: string, claims: Claim[]) => {
    try {
      const input = JSON.stringify(claims.map((claim) => claim.gathered.input))
      const claimed = new Set((await rows(sql, [input])).map((row) => row.n as number))
      claims.forEach((claim, index) => claim.resolve(claimed.has(index + 1)))
    } catch (error) {
      // The server refused the statement (a deadlock with another turn's, a value one claim cannot store:
      // failures.ts), so it rolled back whole: each claim goes alone, for the answer it would have had. Any other
      // failure (the connection, the time) may have left it landed or not: each fails as it would have alone.
      if (error instanceof pg.DatabaseError || error instanceof InvalidRequest)
        await Promise.all(claims.map(alone))
      else for (const claim of claims) claim.reject(error)
    }
  }
  const gather = perTurn<Claim>(PER_STATEMENT, async (sql, claims) => {
    for (let left = claims; left.length > 0;) {
      const keys = new Set<string>()
      const now: Claim[] = []
      const later: Claim[] = []
      for (const claim of left) {
        ;(keys.has(claim.gathered.key) ? later : now).push(claim)
        keys.add(claim.gathered.key)
      }
      now.sort((a, b) => (a.gathered.key < b.gathered.key ? -1 : 1))
      await (now.length === 1 ? alone(now[0]!) : together(sql, now))
      left = later
    }
  })
  return (sql: string, params: readonly SqlValue[], gathered: GatheredClaim): Promise<boolean> =>
    new Promise((resolve, reject) => gather(gathered.sql, { sql, params, gathered, resolve, reject }))
}

/** `sql` with its one `= ?` made `= ANY(?)`, built once per text. */
function anySql(sql: string, built: Map<string, string>): string {
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

/** The single-row INSERT `sql` for `rows` rows, built once per text and count. */
function multiRowSql(sql: string, rows: number, built: Map<string, string>): string {
  const name = `${rows}:${sql}`
  let batched = built.get(name)
  if (batched === undefined) {
    const values = /^(INSERT INTO [^()]+\([^()]+\) VALUES )(\([?, ]+\))$/.exec(sql)
    if (values === null) throw new Error(`Not a single-row INSERT … VALUES (…): ${sql}`)
    batched = values[1] + Array.from({ length: rows }, () => values[2]).join(', ')
    built.set(name, batched)
  }
  return batched
}
