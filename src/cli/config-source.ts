import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { closest, distance } from 'fastest-levenshtein'
import {
  type Config,
  ConfigError,
  parseConfig,
  randomToken,
  type SettingPath,
  settingPath,
} from '../core/index.ts'
import { dataDirectoryFailure, unreadable } from '../startup-failure.ts'
import { cryptoRandom } from '../system.ts'

export type Environment = Readonly<Record<string, string | undefined>>

/** The data directory: the SQLite database and, for a single node, the generated secret live here. */
export function dataDirectory(env: Environment): string {
  return resolve(env.KEYWARD_DATA_DIR ?? '.keyward')
}

/** How an environment variable's text becomes its setting's value; a mistake is added to `problems`. */
type Reader = (text: string, name: string, problems: string[]) => unknown

const asIs: Reader = (value) => value

/** A file path: empty means unset, as an unset variable. */
const filePath: Reader = (value) => (value === '' ? undefined : value)

const wholeNumber: Reader = (value, name, problems) => {
  if (value === '') return undefined
  const number = Number(value)
  if (Number.isInteger(number)) return number
  problems.push(`${name}: "${value}" is not a whole number`)
  return undefined
}

/** KEYWARD_TRUST_PROXY: true or false, a number of hops, or proxy addresses and CIDR ranges, comma-separated. */
const trustProxy: Reader = (value) => {
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (['true', 'yes'].includes(trimmed.toLowerCase())) return true
  if (['false', 'no'].includes(trimmed.toLowerCase())) return false
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  return trimmed.split(/[\s,]+/).filter(Boolean)
}

/** KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES (development only), KEYWARD_DATABASE_PREPARED_STATEMENTS: true or false. */
const trueOrFalse: Reader = (value, name, problems) => {
  const text = value.trim().toLowerCase()
  if (text === '') return undefined
  if (['true', 'yes', '1'].includes(text)) return true
  if (['false', 'no', '0'].includes(text)) return false
  problems.push(`${name}: "${value}" is not true or false`)
  return undefined
}

/** KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: off, any, or the allowed domains, comma-separated. */
const metadataDocumentPolicy: Reader = (value) => {
  const text = value.trim()
  if (text === '') return undefined
  if (['off', 'any'].includes(text.toLowerCase())) return text.toLowerCase()
  return { allow: text.split(/[\s,]+/).filter(Boolean) }
}

/** Each environment variable, the setting it sets (a section's setting overrides that one only) and its reading. */
const VARIABLES: readonly {
  name: string
  path: readonly [string, ...string[]]
  read: Reader
}[] = [
  { name: 'KEYWARD_ISSUER', path: ['issuer'], read: asIs },
  { name: 'KEYWARD_HOST', path: ['host'], read: asIs },
  { name: 'KEYWARD_PORT', path: ['port'], read: wholeNumber },
  { name: 'KEYWARD_METRICS_PORT', path: ['metricsPort'], read: wholeNumber },
  { name: 'KEYWARD_DATABASE_URL', path: ['databaseUrl'], read: asIs },
  { name: 'KEYWARD_REDIS_URL', path: ['redisUrl'], read: asIs },
  { name: 'KEYWARD_SECRET', path: ['secret'], read: asIs },
  { name: 'KEYWARD_TLS_CERT', path: ['tls', 'certFile'], read: filePath },
  { name: 'KEYWARD_TLS_KEY', path: ['tls', 'keyFile'], read: filePath },
  { name: 'KEYWARD_TRUST_PROXY', path: ['trustProxy'], read: trustProxy },
  { name: 'KEYWARD_SIGNING_ALGORITHM', path: ['signingAlgorithm'], read: asIs },
  { name: 'KEYWARD_ACCESS_TOKEN_AUDIENCE', path: ['accessTokenAudience'], read: asIs },
  { name: 'KEYWARD_LOG_LEVEL', path: ['logLevel'], read: asIs },
  { name: 'KEYWARD_REFRESH_GRACE_PERIOD', path: ['refreshGracePeriod'], read: wholeNumber },
  { name: 'KEYWARD_ID_TOKEN_CLAIMS', path: ['openid', 'idTokenClaims'], read: asIs },
  { name: 'KEYWARD_DATABASE_CONNECT_TIMEOUT_MS', path: ['database', 'connectTimeoutMs'], read: wholeNumber },
  {
    name: 'KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS',
    path: ['database', 'statementTimeoutMs'],
    read: wholeNumber,
  },
  { name: 'KEYWARD_DATABASE_ACQUIRE_TIMEOUT_MS', path: ['database', 'acquireTimeoutMs'], read: wholeNumber },
  { name: 'KEYWARD_DATABASE_POOL_SIZE', path: ['database', 'poolSize'], read: wholeNumber },
  {
    name: 'KEYWARD_DATABASE_PREPARED_STATEMENTS',
    path: ['database', 'preparedStatements'],
    read: trueOrFalse,
  },
  { name: 'KEYWARD_HTTP_HEADERS_TIMEOUT', path: ['http', 'headersTimeout'], read: wholeNumber },
  { name: 'KEYWARD_HTTP_REQUEST_TIMEOUT', path: ['http', 'requestTimeout'], read: wholeNumber },
  { name: 'KEYWARD_HTTP_KEEP_ALIVE_TIMEOUT', path: ['http', 'keepAliveTimeout'], read: wholeNumber },
  { name: 'KEYWARD_HTTP_IDLE_TIMEOUT', path: ['http', 'idleTimeout'], read: wholeNumber },
  { name: 'KEYWARD_REGISTRATION_POLICY', path: ['registration', 'policy'], read: asIs },
  {
    name: 'KEYWARD_REGISTRATION_UNUSED_CLIENT_LIFETIME',
    path: ['registration', 'unusedClientLifetime'],
    read: wholeNumber,
  },
  {
    name: 'KEYWARD_REGISTRATION_PER_ADDRESS_PER_HOUR',
    path: ['registration', 'perAddressPerHour'],
    read: wholeNumber,
  },
  {
    name: 'KEYWARD_CLIENT_ID_METADATA_DOCUMENTS',
    path: ['clientIdMetadataDocuments'],
    read: metadataDocumentPolicy,
  },
  {
    name: 'KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES',
    path: ['outboundFetch', 'allowPrivateAddresses'],
    read: trueOrFalse,
  },
  { name: 'KEYWARD_EVENTS_WEBHOOK_URL', path: ['events', 'webhook', 'url'], read: asIs },
  { name: 'KEYWARD_EVENTS_WEBHOOK_SECRET', path: ['events', 'webhook', 'secret'], read: asIs },
]

/** Every environment variable Keyward reads. */
export const KNOWN_VARIABLES = [...VARIABLES.map(({ name }) => name), 'KEYWARD_CONFIG', 'KEYWARD_DATA_DIR']

/**
 * A KEYWARD_ variable one or two letters off a known one is a typo that would otherwise be silently ignored.
 * Others are left alone: a deployment may keep its own (the compose example's KEYWARD_DOMAIN).
 */
function misspeltVariables(env: Environment): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('KEYWARD_') && !KNOWN_VARIABLES.includes(name))
    .map((name) => [name, closest(name, KNOWN_VARIABLES)] as const)
    .filter(([name, nearest]) => distance(name, nearest) <= 2)
    .map(([name, nearest]) => `${name}: not a variable Keyward reads; did you mean ${nearest}?`)
}

const sameSetting = (a: SettingPath, b: SettingPath) => a.map(String).join('.') === b.map(String).join('.')

/** A copy of `document` with `value` at `path`, each section on the way copied, its other settings kept. */
function withSetting(
  document: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [key, ...rest] = path as [string, ...string[]]
  if (rest.length === 0) return { ...document, [key]: value }
  const section = document[key]
  const inner = typeof section === 'object' && section !== null ? (section as Record<string, unknown>) : {}
  return { ...document, [key]: withSetting(inner, rest, value) }
}

/** The value at `path` of a parsed JSON document, or undefined. */
function valueAt(document: unknown, path: SettingPath): unknown {
  let value = document
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const why = unreadable(error) ?? `cannot be read (${(error as NodeJS.ErrnoException).code})`
    throw new ConfigError([`KEYWARD_CONFIG: ${path} ${why}`])
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object')
    return parsed as Record<string, unknown>
  } catch (error) {
    throw new ConfigError([`KEYWARD_CONFIG: ${path} is not a JSON object (${(error as Error).message})`])
  }
}

/**
 * A single node on SQLite may keep its secret in the data directory, made on first start. Several nodes
 * (PostgreSQL) must share one: there it has to be configured.
 */
function storedSecret(directory: string): string {
  const path = join(directory, 'secret')
  try {
    if (!existsSync(path)) {
      mkdirSync(directory, { recursive: true, mode: 0o700 })
      writeFileSync(path, `${randomToken(cryptoRandom)}\n`, { mode: 0o600, flag: 'wx' })
    }
    chmodSync(path, 0o600)
    return readFileSync(path, 'utf8').trim()
  } catch (error) {
    throw dataDirectoryFailure(error, directory)
  }
}

/** The validated configuration, and how to name each setting as the person wrote it. */
export interface LoadedConfig {
  readonly config: Config
  /** A setting by the name the person used: its environment variable, or its key path in their config file. */
  readonly nameOf: (path: SettingPath) => string
}

/**
 * Configuration from a JSON file (KEYWARD_CONFIG) overlaid with environment variables, validated as a whole:
 * every mistake is reported at once, each under the name the person used.
 */
export function loadNamedConfig(env: Environment): LoadedConfig {
  const problems: string[] = []
  const configPath = env.KEYWARD_CONFIG
  const file = configPath ? readConfigFile(configPath) : undefined
  const directory = dataDirectory(env)
  const isSet = (name: string) => env[name] !== undefined
  const inFile = (setting: SettingPath) => file !== undefined && valueAt(file, setting) !== undefined
  const nameOf = (setting: SettingPath): string => {
    // A variable names the setting it sets and what lies within (KEYWARD_CLIENT_ID_METADATA_DOCUMENTS's domains).
    const variable = VARIABLES.find((candidate) =>
      sameSetting(candidate.path, setting.slice(0, candidate.path.length)),
    )
    if (variable && isSet(variable.name)) return variable.name
    if (inFile(setting)) return `${settingPath(setting)} in ${configPath}`
    // A setting nobody gave: the database under the data directory; a section's other variable
    // (KEYWARD_TLS_KEY when only KEYWARD_TLS_CERT is set).
    if (sameSetting(setting, ['databaseUrl'])) return 'KEYWARD_DATA_DIR'
    const sectionFromEnv = VARIABLES.some(
      (candidate) => candidate.path.length > 1 && candidate.path[0] === setting[0] && isSet(candidate.name),
    )
    if (variable && (sectionFromEnv || file === undefined)) return variable.name
    return configPath ? `${settingPath(setting)} in ${configPath}` : settingPath(setting)
  }

  problems.push(...misspeltVariables(env))
  const merged: Record<string, unknown> = { ...file }
  for (const { name, path: setting, read } of VARIABLES) {
    const given = env[name]
    const value = given === undefined ? undefined : read(given, name, problems)
    if (value === undefined) continue
    // Each variable overrides its own setting only; the file's other settings of that section stay.
    Object.assign(merged, withSetting(merged, setting, value))
  }
  merged.port ??= 9000
  merged.databaseUrl ??= `sqlite:${join(directory, 'keyward.db')}`
  merged.issuer ??= `${merged.tls ? 'https' : 'http'}://${merged.tls ? 'localhost' : '127.0.0.1'}:${String(merged.port)}`
  // A single node (SQLite, or memory: with nothing to share) may keep its secret in the data directory.
  const singleNode = String(merged.databaseUrl).startsWith('sqlite:') || merged.databaseUrl === 'memory:'
  if (merged.secret === undefined && singleNode) {
    merged.secret = storedSecret(directory)
  }
  // Said here, where it is known where the secret comes from, instead of the schema's generic "expected string".
  const secretName = nameOf(['secret'])
  if (merged.secret === undefined)
    problems.push(`${secretName}: required with PostgreSQL (all nodes share it)`)
  let config: Config | undefined
  try {
    config = parseConfig(merged, nameOf)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    const secretTold = (problem: string) =>
      merged.secret === undefined && problem.startsWith(`${secretName}: `)
    problems.push(...error.problems.filter((problem) => !secretTold(problem)))
  }
  if (config === undefined || problems.length > 0) throw new ConfigError(problems)
  return { config, nameOf }
}

/** Configuration from a JSON file (KEYWARD_CONFIG) overlaid with environment variables, validated as a whole. */
export function loadConfig(env: Environment): Config {
  return loadNamedConfig(env).config
}
