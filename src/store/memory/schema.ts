import type { Journal } from './journal.ts'
import { ordered, type Scope, type SortKey } from './scope.ts'
import { consentKey, found, mustBeNew, mustExist, type Tables } from './tables.ts'

/** A row of the table `N`. */
export type Row<N extends keyof Tables> = Tables[N] extends Map<string, infer V> ? V : never

/** One statement against the tables, as `Scope.run` takes it. */
type Statement<T> = (tables: Tables, journal: Journal) => T

/**
 * A table as the SQL schema declares it: what its row is called in a failed constraint, its primary key, the
 * tables its REFERENCES name (each with the column holding the key), and the ORDER BY of its lists.
 */
interface TableSchema<V> {
  readonly what: string
  readonly key: (row: V) => string
  readonly references?: { readonly [N in keyof Tables]?: (row: V) => string | null }
  readonly order?: readonly ((row: V) => SortKey)[]
}

type Described = Exclude<keyof Tables, 'signInUnlocks'>

// Written once here, as migration 001 writes them once in SQL; each store then names only its table.
const schema: { readonly [N in Described]: TableSchema<Row<N>> } = {
  clients: {
    what: 'client',
    key: (client) => client.id,
    order: [(client) => client.createdAt.getTime(), (client) => client.id],
  },
  users: { what: 'user', key: (user) => user.id, order: [(user) => user.username] },
  grants: {
    what: 'grant',
    key: (grant) => grant.id,
    references: { clients: (grant) => grant.clientId, users: (grant) => grant.userId },
    order: [(grant) => grant.createdAt.getTime(), (grant) => grant.id],
  },
  codes: {
    what: 'authorization code',
    key: ({ code }) => code.digest,
    references: {
      clients: ({ code }) => code.clientId,
      users: ({ code }) => code.userId,
      grants: ({ code }) => code.grantId,
    },
  },
  // Tokens reference nothing (migration 019): their grant and client are read with them (token-store.ts).
  refreshTokens: { what: 'refresh token', key: (token) => token.digest },
  accessTokens: { what: 'access token', key: (token) => token.key },
  consents: {
    what: 'consent',
    key: (consent) => consentKey(consent.userId, consent.clientId),
    references: { users: (consent) => consent.userId, clients: (consent) => consent.clientId },
    order: [(consent) => consent.clientId],
  },
  sessions: {
    what: 'session',
    key: (session) => session.digest,
    references: { users: (session) => session.userId },
    order: [(session) => session.authTime.getTime(), (session) => session.digest],
  },
  deviceCodes: {
    what: 'device code',
    key: (code) => code.deviceCodeDigest,
    references: { clients: (code) => code.clientId, users: (code) => code.userId },
  },
  // Newest first: the negated creation time, then kid, as the SQL store orders them.
  keys: {
    what: 'signing key',
    key: (key) => key.kid,
    order: [(key) => -key.createdAt.getTime(), (key) => key.kid],
  },
  pushedRequests: {
    what: 'pushed authorization request',
    key: (request) => request.digest,
    references: { clients: (request) => request.clientId },
  },
  // The digest is UNIQUE as well: tokens are made from 256 random bits, so two never share one.
  initialAccessTokens: {
    what: 'initial access token',
    key: (token) => token.id,
    order: [(token) => token.createdAt.getTime(), (token) => token.id],
  },
  resources: {
    what: 'resource',
    key: (resource) => resource.identifier,
    order: [(resource) => resource.identifier],
  },
}

/** The map of the table `name`: TypeScript cannot see through the generic index that it holds `Row<N>`. */
const tableOf = <N extends Described>(tables: Tables, name: N) => tables[name] as Map<string, Row<N>>

/** Refuses a row whose references point at nothing (the schema's REFERENCES). */
export function checkReferences<N extends Described>(tables: Tables, name: N, row: Row<N>): void {
  const references = Object.entries(schema[name].references ?? {}) as [
    Described,
    (row: Row<N>) => string | null,
  ][]
  for (const [target, column] of references) mustExist(tables[target], column(row), schema[target].what)
}

/** INSERT: refuses a second row with the same key or a reference to nothing, then stores a copy of `row`. */
export function insert<N extends Described>(name: N, row: Row<N>): Statement<void> {
  return (tables, journal) => {
    const table = tableOf(tables, name)
    const key = schema[name].key(row)
    mustBeNew(table, key, schema[name].what)
    checkReferences(tables, name, row)
    journal.set(table, key, row)
  }
}

/** One row for `insertAll`: its table's name and the row. */
export type NamedRow = { readonly [N in Described]: readonly [N, Row<N>] }[Described]

/**
 * Several INSERTs as one statement that throws before it writes anything: every key is checked new first. Each
 * row's references are checked as it is inserted, so a row may refer to one inserted before it; the caller
 * orders them so (a grant, then its tokens) and inserts under rows that exist.
 */
export function insertAll(rows: readonly NamedRow[]): Statement<void> {
  return (tables, journal) => {
    for (const [name, row] of rows)
      mustBeNew(tableOf(tables, name), schema[name].key(row as never), schema[name].what)
    for (const [name, row] of rows) insert(name, row)(tables, journal)
  }
}

/**
 * DELETE of the row with this key, and the schema's ON DELETE CASCADE: every row that references it goes too,
 * and so on down (a client takes its grants, and each grant its codes). False when there was none.
 */
export function deleteCascading<N extends Described>(name: N, key: string): Statement<boolean> {
  return (tables, journal) => {
    if (!journal.delete(tableOf(tables, name), key)) return false
    for (const child of Object.keys(schema) as Described[])
      deleteReferencing(child, name, key)(tables, journal)
    return true
  }
}

/** Deletes, cascading, every row of `child` whose reference to `parent` holds `key`. */
function deleteReferencing<C extends Described>(child: C, parent: Described, key: string): Statement<void> {
  return (tables, journal) => {
    const described: TableSchema<Row<C>> = schema[child]
    const column = described.references?.[parent]
    if (column === undefined) return
    for (const row of [...tableOf(tables, child).values()]) {
      if (column(row) === key) deleteCascading(child, described.key(row))(tables, journal)
    }
  }
}

/**
 * The `create` and `get` of an aggregate whose port names its record by its key: INSERT, and a copy of the row
 * with that key or null. Stores spread it beside their own statements.
 */
export function createAndGet<N extends Described>(
  db: Scope,
  name: N,
): { create(row: Row<N>): Promise<void>; get(key: string): Promise<Row<N> | null> } {
  return {
    create: (row) => db.run(insert(name, row)),
    get: (key) => db.run((tables) => found(tableOf(tables, name), key)),
  }
}

/** SELECT … WHERE … ORDER BY the table's order: copies of the rows that `where` keeps (all by default). */
export function rows<N extends Described>(
  name: N,
  where: (row: Row<N>) => boolean = () => true,
): Statement<Row<N>[]> {
  return (tables) => {
    const table = tableOf(tables, name)
    return ordered([...table.values()].filter(where), ...(schema[name].order ?? []))
  }
}
