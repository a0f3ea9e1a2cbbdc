import type { Stores } from '../../core/ports/stores.ts'
import { transactionScope } from '../sql/transaction-scope.ts'
import { clientStore } from './client-store.ts'
import { codeStore } from './code-store.ts'
import { consentStore } from './consent-store.ts'
import { deviceCodeStore } from './device-code-store.ts'
import { grantStore } from './grant-store.ts'
import { initialAccessTokenStore } from './initial-access-token-store.ts'
import { direct, undoLog } from './journal.ts'
import { keyStore } from './key-store.ts'
import { pushedRequestStore } from './pushed-request-store.ts'
import { resourceStore } from './resource-store.ts'
import type { Scope } from './scope.ts'
import { sessionStore } from './session-store.ts'
import { signInUnlockStore } from './sign-in-unlock-store.ts'
import { emptyTables, type Tables } from './tables.ts'
import { tokenStore } from './token-store.ts'
import { userStore } from './user-store.ts'

/**
 * Every store in this process's memory, empty at first; nothing persists. Transactions run one at a time, and a
 * statement outside one waits until none is open: so a single-use record is claimed once, a transaction that
 * reads a grant holds it, and a rollback (an undo log) never undoes another caller's write.
 */
export function createMemoryStores(): Stores {
  const tables = emptyTables()
  const scope = transactionScope()
  const exclusive = serial()
  let closed = false
  const openTables = (): Tables => {
    if (closed) throw new Error('The memory store is closed.')
    return tables
  }
  const outside: Scope = {
    async run(statement) {
      scope.assertOutside()
      return exclusive(async () => statement(openTables(), direct))
    },
  }
  return {
    ...storesOn(outside),
    async transaction(work) {
      scope.assertOutside()
      return exclusive(() => scope.run(() => inTransaction(openTables(), work)))
    },
    async close() {
      scope.assertOutside()
      await exclusive(async () => {
        closed = true
      })
    },
  }
}

/** Runs `work` against the tables, undoing every change it made when it throws. */
async function inTransaction<T>(tables: Tables, work: (tx: Stores) => Promise<T>): Promise<T> {
  const log = undoLog()
  let ended = false
  const inside: Scope = {
    async run(statement) {
      // A statement after the end would land outside any transaction and outside the queue.
      if (ended) throw new Error('The transaction has ended: a store from it can no longer be used.')
      return statement(tables, log.journal)
    },
  }
  const tx: Stores = {
    ...storesOn(inside),
    // A nested transaction is a savepoint: when it throws, only its own changes are undone.
    async transaction(nested) {
      const mark = log.mark()
      try {
        return await nested(tx)
      } catch (error) {
        log.rollBackTo(mark)
        throw error
      }
    },
    close: () =>
      Promise.reject(new Error('A transaction cannot close the database: close the Stores it came from.')),
  }
  try {
    return await work(tx)
  } catch (error) {
    log.rollBackTo(0)
    throw error
  } finally {
    ended = true
  }
}

function storesOn(db: Scope): Omit<Stores, 'transaction' | 'close'> {
  return {
    clients: clientStore(db),
    users: userStore(db),
    grants: grantStore(db),
    codes: codeStore(db),
    tokens: tokenStore(db),
    consents: consentStore(db),
    sessions: sessionStore(db),
    deviceCodes: deviceCodeStore(db),
    keys: keyStore(db),
    signInUnlocks: signInUnlockStore(db),
    pushedRequests: pushedRequestStore(db),
    initialAccessTokens: initialAccessTokenStore(db),
    resources: resourceStore(db),
    // A statement like any other: it fails once the stores are closed, and waits for an open transaction.
    ping: () => db.run(() => undefined),
  }
}

/** Runs each piece of work after the one before it has settled, in the order they were handed in. */
function serial() {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(() => work())
    tail = result.catch(() => {})
    return result
  }
}
