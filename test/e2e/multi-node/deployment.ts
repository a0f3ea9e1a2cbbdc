import type { Stores } from '../../../src/core/ports/stores.ts'
import { openStores } from '../../../src/store/index.ts'
import { cryptoRandom, systemClock } from '../../../src/system.ts'
import { createPostgresDatabase } from '../../support/postgres.ts'
import { addClient, addUser } from '../../support/server.ts'
import { type ClockedKeywardProcess, startClockedKeywardProcess } from '../../support/keyward-process.ts'
import { TEST_SECRET, testConfig } from '../../support/fixtures.ts'

/** Several Keyward processes on one PostgreSQL database, as an operator runs them behind a load balancer. */
export interface Deployment {
  readonly nodes: readonly ClockedKeywardProcess[]
  /** The environment every node got: the CLI pointed at the same database runs with it too. */
  readonly env: Readonly<Record<string, string>>
  /** Stores over the shared database in this process, for setting records up and reading them back. */
  readonly stores: Stores
  addClient(registration: Parameters<typeof addClient>[2]): ReturnType<typeof addClient>
  addUser(username?: string): ReturnType<typeof addUser>
  close(): Promise<void>
}

/** A fresh database, then one process per entry of `nodes`, each with its own options (a skewed clock, say). */
export async function startDeployment(
  nodes: readonly { readonly clockOffset?: number }[],
  env: Readonly<Record<string, string>> = {},
): Promise<Deployment> {
  const database = await createPostgresDatabase('nodes')
  const shared = { KEYWARD_DATABASE_URL: database.url, KEYWARD_SECRET: TEST_SECRET, ...env }
  const started: ClockedKeywardProcess[] = []
  let stores: Stores | undefined
  const close = async () => {
    await Promise.all(started.map((node) => node.close()))
    await stores?.close()
    await database.drop()
  }
  try {
    // One after the other: the first migrates the database, the others find it ready.
    for (const options of nodes) started.push(await startClockedKeywardProcess(shared, options.clockOffset))
    stores = await openStores(database.url)
  } catch (error) {
    await close()
    throw error
  }
  const opened = stores
  const deps = {
    config: testConfig({ issuer: (started[0] as ClockedKeywardProcess).issuer, databaseUrl: database.url }),
    clock: systemClock,
    random: cryptoRandom,
  }
  return {
    nodes: started,
    env: shared,
    stores: opened,
    addClient: (registration) => addClient(opened, deps, registration),
    addUser: (username) => addUser(opened, deps, username),
    close,
  }
}
