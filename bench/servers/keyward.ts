import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createPostgresDatabase } from '../../test/support/postgres.ts'
import { freePort, launch, ROOT } from '../child.ts'
import type { Credentials } from '../http.ts'
import { signInKeyward } from '../keyward-flow.ts'
import {
  BENCH_RESOURCE,
  type ClientRole,
  FLOW_REDIRECT_URI,
  type FlowAccount,
  type ServerClients,
  type ServerUnderTest,
  type SetupOptions,
} from '../server.ts'

const run = promisify(execFile)

export type KeywardStore = 'sqlite' | 'postgres'

/** The Node flags bin/keyward.js's shebang runs Keyward with: the bench starts it as the bin does. */
export const KEYWARD_NODE_FLAGS = ['--max-semi-space-size=16'] as const

/**
 * `clients create` flags per client role, on top of a confidential client_credentials client. The JWT client
 * may also ask for write, the scope of the registered resource (BENCH_RESOURCE) in the resource-bound scenario.
 */
const CLIENT_FLAGS: Readonly<Record<ClientRole, readonly string[]>> = {
  jwt: ['--name', 'bench-jwt', '--scopes', 'read,write', '--default-scopes', 'read'],
  opaque: ['--name', 'bench-opaque', '--scopes', 'read', '--access-token-format', 'opaque'],
  introspector: ['--name', 'bench-api', '--scopes', 'read', '--introspect'],
}

async function keyward(env: Readonly<Record<string, string>>, args: readonly string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['bin/keyward.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  })
  return JSON.parse(stdout)
}

async function createClient(
  env: Readonly<Record<string, string>>,
  flags: readonly string[],
): Promise<Credentials> {
  const created = (await keyward(env, ['clients', 'create', ...flags, '--json'])) as {
    client_id: string
    client_secret: string
  }
  return { id: created.client_id, secret: created.client_secret }
}

async function provision(env: Readonly<Record<string, string>>, options: SetupOptions) {
  const clients: Partial<Record<ClientRole, Credentials>> = {}
  for (const role of ['jwt', 'opaque', 'introspector'] as const) {
    if (options.needs.has(role))
      clients[role] = await createClient(env, [...CLIENT_FLAGS[role], '--grant-types', 'client_credentials'])
  }
  // RFC 8707: the API the resource-bound scenario asks tokens for. It defines write only: a resource that
  // defined read would make read without a resource parameter invalid_scope in the other scenarios.
  if (options.needs.has('resource'))
    await keyward(env, [
      ...['resources', 'create', '--identifier', BENCH_RESOURCE, '--name', 'Bench API'],
      ...['--scopes', 'write', '--json'],
    ])
  let flow: FlowAccount | null = null
  if (options.needs.has('flow')) {
    const client = await createClient(env, [
      '--name',
      'bench-web',
      // openid for the OpenID Connect scenarios (ID token, UserInfo), read for the refresh rotation.
      '--scopes',
      'openid,read',
      '--grant-types',
      'authorization_code,refresh_token',
      '--redirect-uris',
      FLOW_REDIRECT_URI,
    ])
    const user = { username: 'bench', password: randomBytes(12).toString('base64url') }
    await keyward(env, ['users', 'create', user.username, '--password', user.password, '--json'])
    flow = { client: { ...client, redirectUri: FLOW_REDIRECT_URI }, user }
  }
  return { clients: clients as ServerClients, flow }
}

/**
 * Keyward as an operator runs it: clients and the user made with the CLI before `keyward start`, which runs
 * as a child on SQLite (a file in a temporary directory) or on a fresh PostgreSQL database dropped afterwards.
 */
export async function setUpKeyward(store: KeywardStore, options: SetupOptions): Promise<ServerUnderTest> {
  const name = store === 'sqlite' ? 'keyward-sqlite' : 'keyward-postgres'
  const dataDir = await mkdtemp(join(tmpdir(), `${name}-`))
  const database = store === 'postgres' ? await createPostgresDatabase('bench') : null
  const dispose = async () => {
    await database?.drop()
    await rm(dataDir, { recursive: true, force: true })
  }
  const port = await freePort()
  const env = {
    KEYWARD_PORT: String(port),
    KEYWARD_DATA_DIR: dataDir,
    KEYWARD_DATABASE_URL: database?.url ?? `sqlite:${join(dataDir, 'keyward.db')}`,
    KEYWARD_SECRET: randomBytes(32).toString('base64url'),
    KEYWARD_LOG_LEVEL: 'warn',
  }
  try {
    const { clients, flow } = await provision(env, options)
    const profileDir = join(ROOT, 'bench/results/profiles', name)
    // One profile per process, in a folder per scenario: bench/top-frames.ts reads them.
    const profile = (scenario: string) =>
      options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, scenario)}`] : []
    return {
      name,
      role: 'keyward',
      paths: { token: '/token', introspection: '/introspect', userinfo: '/userinfo' },
      clients,
      flow,
      signIn: flow === null ? null : (origin, scope) => signInKeyward(origin, flow, scope),
      start: (scenario) =>
        launch({
          args: [...profile(scenario), ...KEYWARD_NODE_FLAGS, 'bin/keyward.js', 'start'],
          env,
          port,
          readyPath: '/.well-known/oauth-authorization-server',
          pinned: options.pinned,
        }),
      dispose,
    }
  } catch (error) {
    await dispose()
    throw error
  }
}
