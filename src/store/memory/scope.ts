import type { Journal } from './journal.ts'
import { copy, type Tables } from './tables.ts'

/** Where a store's statements run: on the committed tables outside a transaction, or inside one. */
export interface Scope {
  /**
   * Runs one statement against the tables, atomically (it is synchronous): outside a transaction once no
   * transaction is open, inside one at once. Its changes go through the journal so that a rollback undoes them.
   */
  run<T>(statement: (tables: Tables, journal: Journal) => T): Promise<T>
}

/** Deletes every row matching `doomed` and returns how many there were. */
export function deleteWhere<V>(
  journal: Journal,
  table: Map<string, V>,
  doomed: (value: V) => boolean,
): number {
  let deleted = 0
  for (const [key, value] of [...table]) if (doomed(value) && journal.delete(table, key)) deleted++
  return deleted
}

/** Replaces every row matching `match` with `change(row)` and returns how many there were. */
export function updateWhere<V>(
  journal: Journal,
  table: Map<string, V>,
  match: (value: V) => boolean,
  change: (value: V) => V,
): number {
  let updated = 0
  for (const [key, value] of [...table]) {
    if (!match(value)) continue
    journal.set(table, key, change(value))
    updated++
  }
  return updated
}

export type SortKey = number | string

/** Copies of `values` ordered by each key in turn, ascending, as ORDER BY would (strings by code unit). */
export function ordered<V>(values: Iterable<V>, ...keys: readonly ((value: V) => SortKey)[]): V[] {
  const compare = (a: V, b: V): number => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)]
      if (x !== y) return x < y ? -1 : 1
    }
    return 0
  }
  return [...values].sort(compare).map((value) => copy(value))
}
