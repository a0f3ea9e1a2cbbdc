import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Config, ConfigError, parseConfig, randomToken } from '../core/index.ts'
import { cryptoRandom } from '../system.ts'

export type Environment = Readonly<Record<string, string | undefined>>

/** The data directory: the SQLite database and, for a single node, the generated secret live here. */
export function dataDirectory(env: Environment): string {
  return resolve(env.KEYWARD_DATA_DIR ?? '.keyward')
}

function numberFrom(env: Environment, name: string, problems: string[]): number | undefined {
  const text = env[name]
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  if (!Number.isInteger(value)) problems.push(`${name}: "${text}" is not a whole number`)
  return value
}

/** KEYWARD_TRUST_PROXY: true or false, a number of hops, or proxy addresses and CIDR ranges, comma-separated. */
function trustProxyFrom(env: Environment): boolean | number | string[] | undefined {
  const text = env.KEYWARD_TRUST_PROXY?.trim()
  if (text === undefined || text === '') return undefined
  if (['true', 'yes'].includes(text.toLowerCase())) return true
  if (['false', 'no'].includes(text.toLowerCase())) return false
  if (/^\d+$/.test(text)) return Number(text)
  return text.split(/[\s,]+/).filter(Boolean)
}

/** KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES: true or false (development only). */
function booleanFrom(env: Environment, name: string, problems: string[]): boolean | undefined {
  const text = env[name]?.trim().toLowerCase()
  if (text === undefined || text === '') return undefined
  if (['true', 'yes', '1'].includes(text)) return true
  if (['false', 'no', '0'].includes(text)) return false
  problems.push(`${name}: "${env[name]}" is not true or false`)
  return undefined
}

/** KEYWARD_CLIENT_ID_METADATA_DOCUMENTS: off, any, or the allowed domains, comma-separated. */
function metadataDocumentPolicyFrom(env: Environment): string | { allow: string[] } | undefined {
  const text = env.KEYWARD_CLIENT_ID_METADATA_DOCUMENTS?.trim()
  if (text === undefined || text === '') return undefined
  if (['off', 'any'].includes(text.toLowerCase())) return text.toLowerCase()
  return { allow: text.split(/[\s,]+/).filter(Boolean) }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError([`KEYWARD_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`])
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
  if (!existsSync(path)) {
    mkdirSync(directory, { recursive: true, mode: 0o700 })
    writeFileSync(path, `${randomToken(cryptoRandom)}\n`, { mode: 0o600, flag: 'wx' })
  }
  chmodSync(path, 0o600)
  return readFileSync(path, 'utf8').trim()
}

const drop = <T extends Record<string, unknown>>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>

/** The numeric settings of config sections, each from its own environment variable. */
const SECTION_VARIABLES = {
  database: {
    connectTimeoutMs: 'KEYWARD_DATABASE_CONNECT_TIMEOUT_MS',
    statementTimeoutMs: 'KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS',
    acquireTimeoutMs: 'KEYWARD_DATABASE_ACQUIRE_TIMEOUT_MS',
  },
  http: {
    headersTimeout: 'KEYWARD_HTTP_HEADERS_TIMEOUT',
    requestTimeout: 'KEYWARD_HTTP_REQUEST_TIMEOUT',
    keepAliveTimeout: 'KEYWARD_HTTP_KEEP_ALIVE_TIMEOUT',
    idleTimeout: 'KEYWARD_HTTP_IDLE_TIMEOUT',
  },
  registration: {
    unusedClientLifetime: 'KEYWARD_REGISTRATION_UNUSED_CLIENT_LIFETIME',
    perAddressPerHour: 'KEYWARD_REGISTRATION_PER_ADDRESS_PER_HOUR',
  },
} as const

/** Configuration from a JSON file (KEYWARD_CONFIG) overlaid with environment variables, validated as a whole. */
export function loadConfig(env: Environment): Config {
  const problems: string[] = []
  const file = env.KEYWARD_CONFIG ? readConfigFile(env.KEYWARD_CONFIG) : {}
  const directory = dataDirectory(env)
  const port = numberFrom(env, 'KEYWARD_PORT', problems) ?? (file.port as number | undefined) ?? 9000
  const tls =
    env.KEYWARD_TLS_CERT || env.KEYWARD_TLS_KEY
      ? { certFile: env.KEYWARD_TLS_CERT ?? '', keyFile: env.KEYWARD_TLS_KEY ?? '' }
      : file.tls
  const fromEnv = drop({
    issuer: env.KEYWARD_ISSUER,
    host: env.KEYWARD_HOST,
    port,
    metricsPort: numberFrom(env, 'KEYWARD_METRICS_PORT', problems),
    databaseUrl: env.KEYWARD_DATABASE_URL,
    redisUrl: env.KEYWARD_REDIS_URL,
    secret: env.KEYWARD_SECRET,
    tls,
    trustProxy: trustProxyFrom(env),
    signingAlgorithm: env.KEYWARD_SIGNING_ALGORITHM,
    accessTokenAudience: env.KEYWARD_ACCESS_TOKEN_AUDIENCE,
    logLevel: env.KEYWARD_LOG_LEVEL,
    refreshGracePeriod: numberFrom(env, 'KEYWARD_REFRESH_GRACE_PERIOD', problems),
    clientIdMetadataDocuments: metadataDocumentPolicyFrom(env),
  })
  const allowPrivateAddresses = booleanFrom(env, 'KEYWARD_FETCH_ALLOW_PRIVATE_ADDRESSES', problems)
  const sections = Object.entries(SECTION_VARIABLES).map(
    ([section, variables]) =>
      [
        section,
        drop(
          Object.fromEntries(
            Object.entries(variables).map(([key, name]) => [key, numberFrom(env, name, problems)]),
          ),
        ),
      ] as const,
  )
  if (problems.length > 0) throw new ConfigError(problems)
  const merged: Record<string, unknown> = { ...file, ...fromEnv }
  if (allowPrivateAddresses !== undefined) {
    merged.outboundFetch = { ...(file.outboundFetch as object | undefined), allowPrivateAddresses }
  }
  // Each variable overrides its own setting only; the file's other settings of that section stay.
  for (const [section, values] of sections) {
    if (Object.keys(values).length > 0)
      merged[section] = { ...(file[section] as object | undefined), ...values }
  }
  if (env.KEYWARD_REGISTRATION_POLICY !== undefined) {
    merged.registration = {
      ...(merged.registration as object | undefined),
      policy: env.KEYWARD_REGISTRATION_POLICY,
    }
  }
  merged.databaseUrl ??= `sqlite:${join(directory, 'keyward.db')}`
  merged.issuer ??= `${tls ? 'https' : 'http'}://${tls ? 'localhost' : '127.0.0.1'}:${port}`
  // A single node (SQLite, or memory: with nothing to share) may keep its secret in the data directory.
  const singleNode = String(merged.databaseUrl).startsWith('sqlite:') || merged.databaseUrl === 'memory:'
  if (merged.secret === undefined && singleNode) {
    merged.secret = storedSecret(directory)
  }
  // Checked before the schema, whose generic "expected string" would not say where the secret comes from.
  if (merged.secret === undefined)
    throw new ConfigError(['KEYWARD_SECRET: required with PostgreSQL (all nodes share it)'])
  return parseConfig(merged)
}
