import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { after } from 'node:test'
import { fileURLToPath } from 'node:url'
import { format } from 'node:util'
import { main } from '../../src/cli/main.ts'
import type { ConfigInput } from '../../src/core/config.ts'
import { TEST_SECRET } from './fixtures.ts'
import { shellEnvironment } from './keyward-process.ts'
import { startTestServer, type TestServer } from './server.ts'
import { type SqliteFile, sqliteFile } from './sqlite-file.ts'

const BIN = fileURLToPath(new URL('../../bin/keyward.js', import.meta.url))

/** What one `keyward ...` invocation printed and returned. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the CLI in this process, as bin/keyward.js would, capturing what it prints. Tests
 * in a file run one at a time, so swapping the console for the duration is safe.
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CliResult> {
  const out: string[] = []
  const err: string[] = []
  const saved = { log: console.log, error: console.error, warn: console.warn }
  const savedWrite = process.stderr.write
  console.log = (...args: unknown[]) => out.push(`${format(...args)}\n`)
  console.error = (...args: unknown[]) => err.push(`${format(...args)}\n`)
  console.warn = console.error
  // Commander writes usage errors to process.stderr itself. (stdout stays untouched: the test runner reports there.)
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  try {
    const code = await main(argv, env)
    return { code, stdout: out.join(''), stderr: err.join('') }
  } finally {
    Object.assign(console, saved)
    process.stderr.write = savedWrite
  }
}

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Runs `keyward` (bin/keyward.js) in a child process with `env` on top of a clean environment: for what only a
 * process's start sets, such as the certificate authorities Node adds from NODE_EXTRA_CA_CERTS.
 */
export async function runCliProcess(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CliResult> {
  const child = spawn(process.execPath, ['bin/keyward.js', ...argv], {
    cwd: REPOSITORY,
    env: { ...shellEnvironment(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [code] = (await once(child, 'close')) as [number | null]
  return { code: code ?? 1, stdout, stderr }
}

/** The JSON a `--json` command printed; fails with what was printed when the command did not succeed. */
export function jsonOf<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}${result.stdout}`)
  return JSON.parse(result.stdout) as T
}

/** A data directory with its SQLite file, and the environment that points the CLI at them. */
export interface CliHome extends SqliteFile {
  readonly env: Readonly<Record<string, string>>
}

export function cliHome(): CliHome {
  const file = sqliteFile('keyward-cli-')
  return {
    ...file,
    env: { KEYWARD_DATA_DIR: file.directory, KEYWARD_DATABASE_URL: file.url, KEYWARD_SECRET: TEST_SECRET },
  }
}

/**
 * A CLI home and a test server on its database and secret, as an operator runs the CLI beside a running Keyward
 * (the secret encrypts the signing keys both read). Both go once the file's tests have run.
 */
export async function serverAtHome(
  overrides: Partial<ConfigInput> = {},
): Promise<{ home: CliHome; server: TestServer }> {
  const home = cliHome()
  const server = await startTestServer({ databaseUrl: home.url, secret: TEST_SECRET, ...overrides })
  after(async () => {
    await server.close()
    home.remove()
  })
  return { home, server }
}

/** The arguments of `keyward clients create --name <name>` and its options: `--flag value`, or `--flag` for true. */
export function clientsCreate(name: string, options: Readonly<Record<string, string | true>> = {}): string[] {
  const flags = Object.entries(options).flatMap(([flag, value]) =>
    value === true ? [`--${flag}`] : [`--${flag}`, value],
  )
  return ['clients', 'create', '--name', name, ...flags]
}

export interface SpawnCliOptions {
  /** Run as this user and group (as root, to meet permissions root would ignore). */
  readonly uid?: number
  readonly gid?: number
  /** Given on standard input, which is then closed; none (an empty pipe) otherwise. */
  readonly input?: string
}

/**
 * Runs the real `bin/keyward.js` in a child process with `env` on top of a clean environment (no KEYWARD_* from
 * the shell), as a person at a shell would, and waits for it to end.
 */
export async function spawnCli(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  options: SpawnCliOptions = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...argv], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  })
  child.stdin.end(options.input ?? '')
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const [code] = (await once(child, 'close')) as [number | null]
  return { code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}
