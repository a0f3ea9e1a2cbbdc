import type { Stores } from '../../core/ports/stores.ts'
import { afterWrites, clientCache } from './client-cache.ts'
import { clientStore } from './client-store.ts'
import { codeStore } from './code-store.ts'
import { consentStore } from './consent-store.ts'
import { deviceCodeStore } from './device-code-store.ts'
import type { ChangeFeed } from './change-feed.ts'
import type { SqlDatabase, SqlDriver } from './driver.ts'
import { grantStore } from './grant-store.ts'
import { initialAccessTokenStore } from './initial-access-token-store.ts'
import { keyStore } from './key-store.ts'
import { pushedRequestStore } from './pushed-request-store.ts'
import { resourceStore } from './resource-store.ts'
import { sessionStore } from './session-store.ts'
import { signInUnlockStore } from './sign-in-unlock-store.ts'
import { tokenStore } from './token-store.ts'
import { userStore } from './user-store.ts'

/**
 * Every store over one database, client lookups served from memory and forgotten when `clientChanges` reports
 * a write by another process or node; closing them closes the database.
 * Transactions read through: the cache cannot see their uncommitted writes, so it forgets once they settle.
 */
export function createStores(database: SqlDatabase, clientChanges: ChangeFeed): Stores {
  const cache = clientCache(clientStore(database), clientChanges)
  return {
    ...storesOn(database),
    clients: cache.store,
    async transaction(work) {
      let wroteClients = false
      const wrote = () => {
        wroteClients = true
      }
      try {
        return await database.transaction((tx) => work(transactionStores(tx, wrote)))
      } finally {
        if (wroteClients) cache.invalidate()
      }
    },
    close: () => database.close(),
  }
}

function transactionStores(tx: SqlDriver, onClientWrite: () => void): Stores {
  return {
    ...storesOn(tx),
    clients: afterWrites(clientStore(tx), onClientWrite),
    transaction: (work) => tx.transaction((inner) => work(transactionStores(inner, onClientWrite))),
    close: closeInsideTransaction,
  }
}

function storesOn(driver: SqlDriver): Omit<Stores, 'clients' | 'transaction' | 'close'> {
  return {
    users: userStore(driver),
    grants: grantStore(driver),
    codes: codeStore(driver),
    tokens: tokenStore(driver),
    consents: consentStore(driver),
    sessions: sessionStore(driver),
    deviceCodes: deviceCodeStore(driver),
    keys: keyStore(driver),
    signInUnlocks: signInUnlockStore(driver),
    pushedRequests: pushedRequestStore(driver),
    initialAccessTokens: initialAccessTokenStore(driver),
    resources: resourceStore(driver),
    ping: async () => {
      await driver.get('SELECT 1')
    },
  }
}

function closeInsideTransaction(): Promise<void> {
  return Promise.reject(new Error('A transaction cannot close the database: close the Stores it came from.'))
}
