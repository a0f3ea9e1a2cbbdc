import type { Stores } from '../../core/ports/stores.ts'
import { clientStore } from './client-store.ts'
import { codeStore } from './code-store.ts'
import { consentStore } from './consent-store.ts'
import { deviceCodeStore } from './device-code-store.ts'
import type { SqlDatabase, SqlDriver } from './driver.ts'
import { grantStore } from './grant-store.ts'
import { keyStore } from './key-store.ts'
import { sessionStore } from './session-store.ts'
import { tokenStore } from './token-store.ts'
import { userStore } from './user-store.ts'

/** Every store over one database; closing them closes the database. */
export function createStores(database: SqlDatabase): Stores {
  return storesOn(database, () => database.close())
}

function storesOn(driver: SqlDriver, close: () => Promise<void>): Stores {
  return {
    clients: clientStore(driver),
    users: userStore(driver),
    grants: grantStore(driver),
    codes: codeStore(driver),
    tokens: tokenStore(driver),
    consents: consentStore(driver),
    sessions: sessionStore(driver),
    deviceCodes: deviceCodeStore(driver),
    keys: keyStore(driver),
    transaction: (work) => driver.transaction((tx) => work(storesOn(tx, closeInsideTransaction))),
    close,
  }
}

function closeInsideTransaction(): Promise<void> {
  return Promise.reject(new Error('A transaction cannot close the database: close the Stores it came from.'))
}
