import type { SqlValue } from './driver.ts'

// How record fields are held in portable columns, shared by every table descriptor (./table.ts).

/** A row as a driver returns it: column name to value. */
export type Row = { readonly [column: string]: SqlValue }

/** One record field held in one or more columns, in the order `columns` names them. */
export interface Field<V> {
  readonly columns: readonly string[]
  /** Appends the field's column values to `values`. */
  write(value: V, values: SqlValue[]): void
  read(row: Row): V
}

/** A field in one column whose values are of type `S` (what the DDL declares; the drivers return it as such). */
function column<V, S extends SqlValue>(
  name: string,
  toSql: (value: V) => S,
  fromSql: (value: S) => V,
): Field<V> {
  return {
    columns: [name],
    write: (value, values) => void values.push(toSql(value)),
    read: (row) => fromSql(row[name] as S),
  }
}

const same = <V>(value: V): V => value

/** TEXT: a string, a string union or a branded string (a Digest), nullable where the field is. */
export const text = <T extends string | null = string>(name: string): Field<T> =>
  column<T, T>(name, same, same)

/** INTEGER. */
export const integer = (name: string): Field<number> => column<number, number>(name, same, same)

/** A nullable INTEGER. */
export const integerOrNull = (name: string): Field<number | null> =>
  column<number | null, number | null>(name, same, same)

/** Times are BIGINT epoch milliseconds: exact, sortable and the same on SQLite and PostgreSQL. */
export const time = (name: string): Field<Date> => column(name, millis, (ms: number) => new Date(ms))

export const timeOrNull = (name: string): Field<Date | null> =>
  column(name, (date: Date | null) => (date === null ? null : date.getTime()), dateOrNull)

/** Lists are JSON text: unambiguous for the empty list and for any character. */
export const list = <T extends string = string>(name: string): Field<readonly T[]> =>
  column(
    name,
    (items: readonly T[]) => JSON.stringify(items),
    (text: string) => JSON.parse(text) as T[],
  )

/** A JSON object as text. */
export const json = <T>(name: string): Field<T> =>
  column(
    name,
    (value: T) => JSON.stringify(value),
    (text: string) => JSON.parse(text) as T,
  )

/** Booleans are INTEGER 0/1. */
export const flag = (name: string): Field<boolean> =>
  column(
    name,
    (value: boolean) => (value ? 1 : 0),
    (value: number) => value === 1,
  )

/** Optional numbers, one nullable INTEGER column each: NULL is an absent key, never an undefined one. */
export function optionalIntegers<K extends string>(
  columns: Readonly<Record<K, string>>,
): Field<{ readonly [P in K]?: number }> {
  const pairs = Object.entries(columns) as [K, string][]
  return {
    columns: pairs.map(([, name]) => name),
    write: (value, values) => {
      for (const [key] of pairs) values.push(value[key] ?? null)
    },
    read: (row) => {
      const value: { [P in K]?: number } = {}
      for (const [key, name] of pairs) if (row[name] !== null) value[key] = row[name] as number
      return value
    },
  }
}

export function millis(date: Date): number {
  return date.getTime()
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms)
}
