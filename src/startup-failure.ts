import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { type Config, type SettingPath, settingPath } from './core/index.ts'
import type { Stores } from './core/ports/stores.ts'
import { openStores } from './store/index.ts'

/**
 * A reason Keyward cannot start that the operator can fix (PostgreSQL or Redis away, a missing file): one line
 * saying what is wrong and what to do, the underlying error kept as `cause` for debug logging. The line names
 * the setting involved; `explain` names it as the person wrote it (an environment variable or a config key).
 */
export class StartupFailure extends Error {
  /** The setting involved: a path in the configuration, or the name of an environment variable that is none. */
  readonly setting: SettingPath | string
  readonly #describe: (name: string) => string

  constructor(setting: SettingPath | string, describe: (name: string) => string, cause: unknown) {
    super(describe(typeof setting === 'string' ? setting : settingPath(setting)), { cause })
    this.setting = setting
    this.#describe = describe
  }

  /** The line, the setting named by `nameOf`. */
  explain(nameOf: (path: SettingPath) => string): string {
    return typeof this.setting === 'string' ? this.message : this.#describe(nameOf(this.setting))
  }
}

/** The error codes along an error's chain of causes (and inside an AggregateError, such as a refused dual-stack connect). */
function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return []
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown }
  return [
    ...(typeof code === 'string' ? [code] : []),
    ...codesOf(cause, depth + 1),
    ...(Array.isArray(errors) ? errors.flatMap((inner) => codesOf(inner, depth + 1)) : []),
  ]
}

/** Why a server could not be reached, in words, from the socket's error codes; undefined when none says. */
function unreachable(codes: readonly string[]): string | undefined {
  if (codes.includes('ECONNREFUSED')) return 'refused the connection (nothing listens there)'
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN'))
    return 'has a host name that does not resolve'
  if (codes.some((code) => ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)))
    return 'did not answer in time'
  return undefined
}

/** host:port of a URL, never its user or password. */
function serverOf(url: string, defaultPort: number): string {
  try {
    const { hostname, port } = new URL(url)
    return `${hostname || 'localhost'}:${port || defaultPort}`
  } catch {
    return 'the configured server'
  }
}

/** The file of a SQLite URL, for the messages about its directory. */
const sqliteFileOf = (databaseUrl: string) => databaseUrl.slice('sqlite:'.length)

/**
 * A failure to open the database at start, as a StartupFailure when the operator can fix it: PostgreSQL away or
 * without that database, its password refused, SQLite's directory missing or read-only. Anything else (a bug,
 * a failed migration) is returned unchanged.
 */
export function databaseFailure(error: unknown, databaseUrl: string): unknown {
  const setting = ['databaseUrl']
  const codes = codesOf(error)
  if (databaseUrl.startsWith('postgres')) {
    const server = `PostgreSQL at ${serverOf(databaseUrl, 5432)}`
    const why = unreachable(codes)
    if (why !== undefined)
      return new StartupFailure(
        setting,
        (name) => `${server} ${why}: start PostgreSQL, or correct the host and port in ${name}.`,
        error,
      )
    // PostgreSQL Appendix A: 3D000 invalid_catalog_name, 28P01 invalid_password, 28000 invalid authorization.
    if (codes.includes('3D000')) {
      const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1))
      return new StartupFailure(
        setting,
        (name) =>
          `${server} has no database "${database}": create it (createdb ${database}), or correct its name in ${name}.`,
        error,
      )
    }
    if (codes.includes('28P01') || codes.includes('28000'))
      return new StartupFailure(
        setting,
        (name) => `${server} refused the user name or password: correct them in ${name}.`,
        error,
      )
    return error
  }
  if (
    databaseUrl.startsWith('sqlite:') &&
    (error as { code?: unknown } | null)?.code === 'ERR_SQLITE_ERROR'
  ) {
    const file = sqliteFileOf(databaseUrl)
    const directory = dirname(resolve(file))
    if (!existsSync(directory))
      return new StartupFailure(
        setting,
        (name) =>
          `The directory ${directory} of the SQLite database does not exist: create it (mkdir -p ${directory}), or point ${name} elsewhere.`,
        error,
      )
    if (/unable to open database file|readonly database/.test((error as Error).message))
      return new StartupFailure(
        setting,
        (name) =>
          `The SQLite database ${file} cannot be written: make ${directory} writable by the user Keyward runs as, or point ${name} elsewhere.`,
        error,
      )
  }
  return error
}

/** Redis not answering at start: said in one line (ioredis's own would be an unhandled error event and a stack). */
export function redisFailure(error: unknown, redisUrl: string): unknown {
  const why = unreachable(codesOf(error))
  if (why === undefined) return error
  return new StartupFailure(
    ['redisUrl'],
    (name) =>
      `Redis at ${serverOf(redisUrl, 6379)} ${why}: start Redis, correct ${name}, or leave it unset on a single node.`,
    error,
  )
}

/** Why a file cannot be read, in words; undefined for a failure that is not about the file. */
export function unreadable(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'ENOENT') return 'does not exist'
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read by the user Keyward runs as'
  if (code === 'EISDIR') return 'is a directory'
  return undefined
}

/** A TLS file that cannot be read: which one, and why, in words. */
export function tlsFileFailure(error: unknown, file: 'certFile' | 'keyFile', path: string): unknown {
  const why = unreadable(error)
  if (why === undefined) return error
  const what = file === 'certFile' ? 'certificate' : 'private key'
  return new StartupFailure(
    ['tls', file],
    (name) => `The TLS ${what} file ${path} ${why}: correct ${name}, or make the file readable.`,
    error,
  )
}

/** The data directory (KEYWARD_DATA_DIR) cannot hold the generated secret: read-only, or not a directory. */
export function dataDirectoryFailure(error: unknown, directory: string): unknown {
  const codes = codesOf(error)
  const why = codes.some((code) => ['EACCES', 'EPERM', 'EROFS'].includes(code))
    ? 'cannot be written by the user Keyward runs as'
    : codes.some((code) => ['ENOTDIR', 'EEXIST'].includes(code))
      ? 'is not a directory'
      : undefined
  if (why === undefined) return error
  return new StartupFailure(
    'KEYWARD_DATA_DIR',
    (name) =>
      `The data directory ${directory} ${why}: make it a writable directory, or point ${name} at one.`,
    error,
  )
}

/** The stores of the configured database; a failure the operator can fix is said in one line (databaseFailure). */
export async function openConfiguredStores(
  config: Pick<Config, 'databaseUrl' | 'database'>,
): Promise<Stores> {
  try {
    return await openStores(config.databaseUrl, config.database)
  } catch (error) {
    throw databaseFailure(error, config.databaseUrl)
  }
}

/**
 * A port Keyward cannot listen on (`port`, or `metricsPort` for the metrics listener): taken, privileged, or on a
 * host address this machine does not have.
 */
export function listenFailure(
  error: unknown,
  portSetting: 'port' | 'metricsPort',
  host: string,
  port: number,
): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE')
    return new StartupFailure(
      [portSetting],
      (name) => `${host}:${port} is already in use. Stop what uses it, or pick another port with ${name}.`,
      error,
    )
  if (code === 'EACCES')
    return new StartupFailure(
      [portSetting],
      (name) =>
        `Keyward may not listen on port ${port}: ports below 1024 need privileges. Pick a port from 1024 with ${name}, and a proxy in front for 443.`,
      error,
    )
  if (code === 'EADDRNOTAVAIL')
    return new StartupFailure(
      ['host'],
      (name) =>
        `${host} is not an address of this machine: correct ${name} (0.0.0.0 listens on every address).`,
      error,
    )
  return error
}

/**
 * A TLS file that TLS cannot use (`file`: the certificate or the key, tried alone, then together): not PEM, or a
 * key that is not the certificate's.
 */
export function tlsContentFailure(error: unknown, file: 'certFile' | 'keyFile', path: string): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH')
    return new StartupFailure(
      ['tls', file],
      (name) => `The TLS private key ${path} is not the key of the certificate: correct ${name}.`,
      error,
    )
  if (typeof message !== 'string' || !/PEM|ASN1|DECODER|no start line/i.test(message)) return error
  const what = file === 'certFile' ? 'certificate' : 'private key'
  return new StartupFailure(
    ['tls', file],
    (name) =>
      `The TLS ${what} file ${path} is not a PEM ${what} TLS can read (${message}): correct ${name}, or convert the file to PEM.`,
    error,
  )
}
