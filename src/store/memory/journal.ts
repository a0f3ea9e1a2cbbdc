import { copy } from './tables.ts'

/**
 * Every change to the tables goes through a Journal. Inside a transaction it remembers how to undo each one,
 * so that a rollback puts back exactly what was there; outside one it only applies them.
 */
export interface Journal {
  /** Stores a copy of `value`, so that the caller's object and the stored one never share anything. */
  set<K, V>(table: Map<K, V>, key: K, value: V): void
  delete<K, V>(table: Map<K, V>, key: K): boolean
}

/** Applies changes with no way back: a statement outside a transaction, which either throws first or lands. */
export const direct: Journal = {
  set: (table, key, value) => void table.set(key, copy(value)),
  delete: (table, key) => table.delete(key),
}

/** A journal that can undo every change since a mark: a transaction, and a savepoint for each nested one. */
export function undoLog() {
  const undo: (() => void)[] = []
  const remember = <K, V>(table: Map<K, V>, key: K) => {
    const before = table.get(key)
    // No stored value is undefined: undefined means the key was absent.
    undo.push(before === undefined ? () => table.delete(key) : () => table.set(key, before))
  }
  const journal: Journal = {
    set(table, key, value) {
      remember(table, key)
      table.set(key, copy(value))
    },
    delete(table, key) {
      if (!table.has(key)) return false
      remember(table, key)
      return table.delete(key)
    },
  }
  return {
    journal,
    mark: () => undo.length,
    /** Undoes every change made since `mark`, newest first. */
    rollBackTo(mark: number): void {
      while (undo.length > mark) undo.pop()?.()
    },
  }
}
