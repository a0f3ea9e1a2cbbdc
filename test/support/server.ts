import { Writable } from 'node:stream'
import { type ClientRegistration, registerClient } from '../../src/core/client-registration.ts'
import type { Clock } from '../../src/core/clock.ts'
import type { Config, ConfigInput } from '../../src/core/config.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { User } from '../../src/core/model/user.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import type { Random } from '../../src/core/random.ts'
import { newUser } from '../../src/core/users.ts'
import { type RunningServer, startServer } from '../../src/server.ts'
import { cryptoRandom } from '../../src/system.ts'
import { type TestClock, testClock } from './clock.ts'
import { testConfig } from './fixtures.ts'
import { freePort } from './ports.ts'

/** A port that was free a moment ago: the issuer must name the port before the server listens on it. */

export interface TestServer extends RunningServer {
  readonly issuer: string
  readonly clock: TestClock
  /** Every log line the server wrote, for the tests that check nothing secret was logged. */
  readonly logs: string[]
  /** Registers a client; returns it with its secret (null for public clients). */
  client(registration: Partial<ClientRegistration>): Promise<{ client: Client; secret: string | null }>
  user(username?: string, password?: string): Promise<User & { password: string }>
}

/**
 * A real Keyward listening on 127.0.0.1 over a fresh in-memory SQLite database (or `databaseUrl`), with a test
 * clock that starts at the real time (JWT libraries on the client side compare with the real time).
 */
export async function startTestServer(
  overrides: Partial<ConfigInput> = {},
  options: { clock?: TestClock; trustedCertificates?: string } = {},
): Promise<TestServer> {
  const port = await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const config = testConfig({ issuer, port, databaseUrl: 'sqlite::memory:', logLevel: 'info', ...overrides })
  const clock = options.clock ?? testClock(new Date())
  const logs: string[] = []
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk))
      done()
    },
  })
  const { trustedCertificates } = options
  const server = await startServer(config, {
    clock,
    logStream,
    ...(trustedCertificates === undefined ? {} : { trustedCertificates }),
  })
  const deps = { config, clock, random: cryptoRandom }
  return {
    ...server,
    issuer,
    clock,
    logs,
    client: (registration) => addClient(server.core.stores, deps, registration),
    user: (username, password) => addUser(server.core.stores, deps, username, password),
  }
}

type RecordDeps = { config: Config; clock: Clock; random: Random }

/** Registers a client (a confidential code + refresh client unless `registration` says otherwise) in `stores`. */
export async function addClient(
  stores: Stores,
  deps: RecordDeps,
  registration: Partial<ClientRegistration>,
): Promise<{ client: Client; secret: string | null }> {
  const registered = registerClient(
    {
      name: 'Test client',
      type: 'confidential',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://client.example/callback'],
      scopes: ['profile', 'read', 'write'],
      defaultScopes: ['profile'],
      ...registration,
    },
    deps,
  )
  await stores.clients.create(registered.client)
  return registered
}

/** Creates a person in `stores`; returns them with their password. */
export async function addUser(
  stores: Stores,
  deps: RecordDeps,
  username = `user-${Math.random().toString(36).slice(2)}`,
  password = 'correct horse battery',
): Promise<User & { password: string }> {
  const user = await newUser(username, password, deps)
  await stores.users.create(user)
  return { ...user, password }
}
