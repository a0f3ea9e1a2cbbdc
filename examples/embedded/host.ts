import type { Logger } from 'pino'
import { createKeyward, type EmbeddedKeyward, openStores, parseConfig, type Stores } from '../../src/index.ts'
import type { Accounts } from './accounts.ts'

/** Where the host application mounts Keyward. */
export const MOUNT_PATH = '/auth'

export interface HostSetup {
  /** The host's own origin: http://127.0.0.1:PORT. */
  readonly origin: string
  readonly accounts: Accounts
  readonly logger: Logger
  /** The host's secret for Keyward (32 characters or more): it encrypts signing keys and keys CSRF tokens. */
  readonly secret: string
}

export interface EmbeddedAuth {
  readonly keyward: EmbeddedKeyward
  /** The host's own client: it signs people in to itself through the Keyward it embeds. */
  readonly clientId: string
  readonly clientSecret: string
  readonly stores: Stores
  close(): Promise<void>
}

/**
 * Keyward for a host application: issuer under the host's origin, the host's store (here in memory; any
 * `openStores` URL or an own implementation of Stores), the host's logger and the host's accounts.
 */
export async function embedKeyward(setup: HostSetup): Promise<EmbeddedAuth> {
  const config = parseConfig({
    issuer: `${setup.origin}${MOUNT_PATH}`,
    databaseUrl: 'memory:',
    secret: setup.secret,
  })
  const stores = await openStores(config.databaseUrl)
  const keyward = await createKeyward(config, { stores, logger: setup.logger, people: setup.accounts })
  const { client, secret } = await keyward.registerClient({
    name: 'Host application',
    type: 'confidential',
    grantTypes: ['authorization_code', 'client_credentials'],
    redirectUris: [`${setup.origin}/callback`],
    scopes: ['profile'],
  })
  return {
    keyward,
    clientId: client.id,
    clientSecret: secret ?? '',
    stores,
    close: async () => {
      await keyward.close()
      // The stores were handed in: the host closes them.
      await stores.close()
    },
  }
}
