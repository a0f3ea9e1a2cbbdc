import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Knows whether the current async call chain is inside one of a database's transactions, so that a statement
 * sent to the outer driver from inside `work` fails loudly: on SQLite it would wait for the transaction it is
 * part of (a deadlock), on PostgreSQL it would escape the transaction.
 */
export function transactionScope() {
  const inside = new AsyncLocalStorage<true>()
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      return inside.run(true, work)
    },
    assertOutside(): void {
      if (inside.getStore()) {
        throw new Error(
          'A store was used outside its transaction: inside transaction(work), use the tx that work receives.',
        )
      }
    },
  }
}
