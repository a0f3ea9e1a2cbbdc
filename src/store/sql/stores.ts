import type { Stores } from '../../core/ports/stores.ts'
import { clientCache, clientWrites } from './client-cache.ts'
import { clientStore } from './client-store.ts'
import { codeStore } from './code-store.ts'
import { consentStore } from './consent-store.ts'
import { deviceCodeStore } from './device-code-store.ts'
import type { CachedTables, Dialect, SqlDatabase, SqlDriver } from './driver.ts'
import { grantStore } from './grant-store.ts'
import { initialAccessTokenStore } from './initial-access-token-store.ts'
import { keyStore } from './key-store.ts'
import { afterWrites, cachedStore } from './lookup-cache.ts'
import { pushedRequestStore } from './pushed-request-store.ts'
import { resourceCacheCapacity, resourceWrites } from './resource-cache.ts'
import { resourceStore } from './resource-store.ts'
import { sessionStore } from './session-store.ts'
import { signInUnlockStore } from './sign-in-unlock-store.ts'
import { tokenStore } from './token-store.ts'
import { userStore } from './user-store.ts'

/**
 * Every store over one database, client and resource lookups served from memory and forgotten when `changes`
 * reports a write by another process or node; closing them closes the database.
 * Transactions read through: the caches cannot see their uncommitted writes, so they forget once they settle.
 */
export function createStores(database: SqlDatabase, changes: CachedTables): Stores {
  const clients = clientCache(clientStore(database), changes.clients)
  const resources = cachedStore(
    resourceStore(database),
    resourceWrites,
    changes.resources,
    resourceCacheCapacity,
  )
  return {
    ...storesOn(database, database.dialect),
    clients: clients.store,
    resources: resources.store,
    async transaction(work) {
      const wrote = { clients: false, resources: false }
      try {
        return await database.transaction((tx) => work(transactionStores(tx, database.dialect, wrote)))
      } finally {
        if (wrote.clients) clients.invalidate()
        if (wrote.resources) resources.invalidate()
      }
    },
    connectionUse: () => database.connectionUse(),
    close: () => database.close(),
  }
}

/** Which cached tables a transaction wrote. */
interface CachedWrites {
  clients: boolean
  resources: boolean
}

function transactionStores(tx: SqlDriver, dialect: Dialect, wrote: CachedWrites): Stores {
  return {
    ...storesOn(tx, dialect),
    clients: afterWrites(clientStore(tx), clientWrites, () => {
      wrote.clients = true
    }),
    resources: afterWrites(resourceStore(tx), resourceWrites, () => {
      wrote.resources = true
    }),
    transaction: (work) => tx.transaction((inner) => work(transactionStores(inner, dialect, wrote))),
    close: closeInsideTransaction,
  }
}

function storesOn(
  driver: SqlDriver,
  dialect: Dialect,
): Omit<Stores, 'clients' | 'resources' | 'transaction' | 'close'> {
  return {
    users: userStore(driver),
    grants: grantStore(driver),
    codes: codeStore(driver, dialect),
    tokens: tokenStore(driver, dialect),
    consents: consentStore(driver),
    sessions: sessionStore(driver),
    deviceCodes: deviceCodeStore(driver),
    keys: keyStore(driver),
    signInUnlocks: signInUnlockStore(driver),
    pushedRequests: pushedRequestStore(driver),
    initialAccessTokens: initialAccessTokenStore(driver),
    ping: async () => {
      await driver.get('SELECT 1')
    },
  }
}

function closeInsideTransaction(): Promise<void> {
  return Promise.reject(new Error('A transaction cannot close the database: close the Stores it came from.'))
}
