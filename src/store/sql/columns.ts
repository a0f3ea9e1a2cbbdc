import type { SqlValue } from './driver.ts'

// Conversions between record fields and portable column values, shared by every store.

/** Times are BIGINT epoch milliseconds: exact, sortable and the same on SQLite and PostgreSQL. */
export function millis(date: Date): number {
  return date.getTime()
}

export function millisOrNull(date: Date | null): number | null {
  return date === null ? null : date.getTime()
}

export function date(ms: number): Date {
  return new Date(ms)
}

export function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms)
}

/** Lists are JSON text: unambiguous for the empty list and for any character. */
export function listText(list: readonly string[]): string {
  return JSON.stringify(list)
}

export function list<T extends string = string>(text: string): readonly T[] {
  return JSON.parse(text) as T[]
}

/** Booleans are INTEGER 0/1. */
export function flag(value: boolean): number {
  return value ? 1 : 0
}

export function bool(value: number): boolean {
  return value === 1
}

export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
}

/** The row's values in the order of `columns`, for an INSERT built by insertSql. */
export function valuesOf<Row extends { readonly [K in keyof Row]: SqlValue }>(
  row: Row,
  columns: readonly (keyof Row)[],
): SqlValue[] {
  return columns.map((column) => row[column])
}
