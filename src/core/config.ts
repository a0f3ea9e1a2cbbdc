import { closest, distance } from 'fastest-levenshtein'
import { z } from 'zod'
import { isAdminScope } from './admin/scopes.ts'
import { isProxyAddress } from './protocol/address.ts'
import { isLoopbackHost } from './protocol/redirect-uri.ts'

const DAY = 24 * 60 * 60

const scopeDefinition = z.strictObject({
  name: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope name is printable ASCII without spaces, " or \\'),
  description: z.string().min(1),
})

/** HTTPS needs both files: said in words rather than as a string's minimum length. */
const tlsFileMissing = (file: 'certificate' | 'private key') =>
  `not set: HTTPS needs the ${file} file (PEM) as well as the ${file === 'certificate' ? 'private key' : 'certificate'}`

const seconds = (max: number) => z.number().int().positive().max(max)
const milliseconds = (fallback: number) => z.number().int().min(100).max(600_000).default(fallback)

/** How long Keyward waits on PostgreSQL before answering 503 temporarily_unavailable; all in milliseconds. */
export const databaseTimeoutDefaults = {
  connectTimeoutMs: 5000,
  statementTimeoutMs: 5000,
  acquireTimeoutMs: 5000,
} as const

/**
 * Connections each Keyward process keeps open to PostgreSQL at most: pg's own default. With `--workers N` and several
 * nodes the database sees N × nodes × this, plus one listening connection per process.
 */
export const databasePoolSizeDefault = 10

/** The whole server configuration. Every default is the safe one. */
// Every object is strict: a misspelled setting is refused with a suggestion (parseConfig), never ignored.
export const configSchema = z
  .strictObject({
    /** The issuer identifier (RFC 8414 §2): https, or http on a loopback address only (architecture §5). */
    issuer: z
      .url()
      .refine((value) => !value.endsWith('/'), 'the issuer must not end with a slash')
      .refine((value) => {
        const url = new URL(value)
        return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
      }, 'the issuer must be https:// unless its host is a loopback address (127.0.0.1, [::1], localhost)')
      .refine(
        (value) => !new URL(value).search && !new URL(value).hash,
        'the issuer has no query or fragment',
      ),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9000),
    /**
     * Where Prometheus scrapes `/metrics`, on `host`: a listener of its own, never the public one, so that
     * request counts and the event tally stay inside the operator's network. Off when absent.
     */
    metricsPort: z.number().int().min(0).max(65535).optional(),
    databaseUrl: z
      .string()
      .regex(
        /^(sqlite:|postgres(ql)?:\/\/|memory:$)/,
        'use sqlite:PATH, sqlite::memory:, postgres://... or memory:',
      ),
    database: z
      .strictObject({
        /** Opening a connection: TCP, TLS and authentication. */
        connectTimeoutMs: milliseconds(databaseTimeoutDefaults.connectTimeoutMs),
        /** One statement (PostgreSQL's statement_timeout); a server that stops answering is dropped 1 s later. */
        statementTimeoutMs: milliseconds(databaseTimeoutDefaults.statementTimeoutMs),
        /** Waiting for a connection from the pool, opening one included. */
        acquireTimeoutMs: milliseconds(databaseTimeoutDefaults.acquireTimeoutMs),
        /** PostgreSQL's pool, per process: PostgreSQL allows 100 connections in all by default. */
        poolSize: z
          .number()
          .int()
          .min(1, 'the pool needs at least one connection')
          .max(1000, 'at most 1000 connections per process (PostgreSQL allows 100 in all by default)')
          .default(databasePoolSizeDefault),
        /**
         * PostgreSQL: each connection prepares a statement once and runs it by name after. Off for a pooler
         * that cannot carry named statements between its clients (PgBouncer in transaction mode before 1.21,
         * or with max_prepared_statements = 0): every statement is then parsed and planned on each call.
         */
        preparedStatements: z.boolean().default(true),
      })
      .prefault({}),
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'use redis://host:port')
      .optional(),
    /** Encrypts private signing keys at rest and keys the CSRF tokens: at least 32 characters of secret. */
    secret: z
      .string()
      .min(32, 'the secret must be at least 32 characters (for example: openssl rand -base64 32)'),
    tls: z
      .strictObject({
        certFile: z.string(tlsFileMissing('certificate')).min(1, tlsFileMissing('certificate')),
        keyFile: z.string(tlsFileMissing('private key')).min(1, tlsFileMissing('private key')),
      })
      .optional(),
    /**
     * Which proxies' X-Forwarded-* to trust: none (false), the nearest N hops, or the proxies at these addresses
     * and CIDR ranges. The client is the first untrusted hop from the right; what a client writes to the left of
     * it is never believed. `true` trusts a proxy on loopback only (README, Behind a proxy).
     */
    trustProxy: z
      .union([
        z.boolean(),
        z.number().int().min(0).max(10),
        z
          .array(
            z
              .string()
              .refine(isProxyAddress, 'an IP address, a CIDR range, or loopback|linklocal|uniquelocal'),
          )
          .min(1),
      ])
      .default(false)
      .transform((trust) => (trust === true ? ['loopback'] : trust === 0 ? false : trust)),
    signingAlgorithm: z.enum(['ES256', 'EdDSA']).default('ES256'),
    /** The `aud` of access tokens unless a client says otherwise: the API the tokens are for. */
    accessTokenAudience: z.string().min(1).optional(),
    scopes: z
      .array(scopeDefinition)
      .min(1)
      // The admin API's scopes are Keyward's own: a client gets them from `keyward admin create-client` only.
      .refine(
        (scopes) => !scopes.some((scope) => isAdminScope(scope.name)),
        'admin:read and admin:write are reserved for the admin API (keyward admin create-client)',
      )
      // OpenID Connect Core §3.1.2.1 and §5.4: openid signs people in to the application; the four after it
      // release the person's claims.
      .default([
        { name: 'openid', description: 'Sign you in with your account' },
        { name: 'profile', description: 'See your username, name and profile details' },
        { name: 'email', description: 'See your email address' },
        { name: 'address', description: 'See your postal address' },
        { name: 'phone', description: 'See your phone number' },
        { name: 'read', description: 'Read your data' },
        { name: 'write', description: 'Create and change your data' },
      ]),
    lifetimes: z
      .strictObject({
        accessToken: seconds(DAY).default(600),
        authorizationCode: seconds(600).default(60),
        refreshIdle: seconds(365 * DAY).default(14 * DAY),
        refreshAbsolute: seconds(365 * DAY).default(90 * DAY),
        session: seconds(30 * DAY).default(8 * 60 * 60),
        deviceCode: seconds(3600).default(600),
        /** RFC 9126 §2.2: how long a pushed request's request_uri may be brought to /authorize. */
        pushedRequest: seconds(600).default(60),
      })
      .prefault({}),
    /** OpenID Connect: what ID tokens say about the person. */
    openid: z
      .strictObject({
        /**
         * The person's claims in ID tokens: `scopes` puts there every claim the granted scopes (and the `claims`
         * parameter) release, as UserInfo does, so that relying-party libraries find the name and email on their
         * defaults (as Keycloak, Google and Auth0 do); `minimal` keeps them at UserInfo only (Core §5.4), and an
         * ID token carries only what the `claims` parameter asked for (§5.5), or the scopes' claims when no access
         * token comes with it (response_type=id_token).
         */
        idTokenClaims: z.enum(['scopes', 'minimal']).default('scopes'),
      })
      .prefault({}),
    /** RFC 9126 §5 require_pushed_authorization_requests: /authorize takes pushed requests only, from every client. */
    requirePushedAuthorizationRequests: z.boolean().default(false),
    /** The security profile a client registered without one (`--profile`) is held to, e.g. fapi2; none when absent. */
    defaultSecurityProfile: z.enum(['fapi2']).optional(),
    /** Seconds a device waits between polls at first (RFC 8628 §3.2). */
    devicePollInterval: z.number().int().min(1).max(60).default(5),
    /**
     * Seconds the HTTP server waits for a client before it answers 408 or closes the connection: for the request
     * line and headers, for the whole request (body included), for the next request on an idle keep-alive
     * connection, and for any byte at all on a connection.
     */
    http: z
      .strictObject({
        headersTimeout: seconds(600).default(10),
        requestTimeout: seconds(600).default(30),
        keepAliveTimeout: seconds(600).default(5),
        idleTimeout: seconds(600).default(30),
      })
      .refine((http) => http.headersTimeout <= http.requestTimeout, {
        message: 'headersTimeout must not exceed requestTimeout (the headers are part of the request)',
        path: ['headersTimeout'],
      })
      .prefault({}),
    /**
     * RFC 7591 dynamic client registration: `off` (no registration endpoint), `open` (anyone may register a
     * client, which passes every check an operator's client does), or `token` (registering needs an initial
     * access token from `keyward registration-tokens create`).
     */
    registration: z
      .strictObject({
        policy: z.enum(['off', 'open', 'token']).default('off'),
        /** Seconds a client that registered itself may go without receiving a token before it is deleted. */
        unusedClientLifetime: seconds(365 * DAY).default(7 * DAY),
        /**
         * Registration requests one address may make an hour, refused ones included: enough for a developer's
         * tries and for the agents behind one address, too few to fill the clients table.
         */
        perAddressPerHour: z.number().int().min(1).max(100_000).default(20),
      })
      .prefault({}),
    /**
     * Keyward's requests to other servers (client ID metadata documents, `jwks_uri`, back-channel logout): https
     * to public addresses only, within these limits (architecture §5). `allowPrivateAddresses` also lets them reach
     * loopback and private networks: for development only, off by default.
     */
    outboundFetch: z
      .strictObject({
        allowPrivateAddresses: z.boolean().default(false),
        timeoutMs: milliseconds(5000),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024)
          .default(64 * 1024),
        maxRedirects: z.number().int().min(0).max(5).default(3),
        /** Fetched documents are reused for their Cache-Control max-age, kept within these bounds. */
        cacheMinSeconds: z.number().int().min(0).max(DAY).default(60),
        cacheMaxSeconds: z
          .number()
          .int()
          .min(1)
          .max(7 * DAY)
          .default(DAY),
        cacheEntries: z.number().int().min(1).max(100_000).default(1000),
      })
      .refine((fetch) => fetch.cacheMinSeconds <= fetch.cacheMaxSeconds, {
        message: 'cacheMinSeconds must not exceed cacheMaxSeconds',
        path: ['cacheMinSeconds'],
      })
      .prefault({}),
    /** Where security events go besides the log. */
    events: z
      .strictObject({
        /**
         * A receiver of every security event, signed as Standard Webhooks specifies (webhook-id, webhook-timestamp,
         * webhook-signature) and posted through the outbound fetch (https; a private address only with
         * `outboundFetch.allowPrivateAddresses`), in the background, retried within these bounds.
         */
        webhook: z
          .strictObject({
            url: z.url().refine((value) => value.startsWith('https://'), 'the webhook URL must be https://'),
            secret: z
              .string()
              .regex(
                /^whsec_[A-Za-z0-9+/]+={0,2}$/,
                'a secret is whsec_ and base64, as Standard Webhooks makes them',
              )
              .refine((value) => {
                const bytes = Buffer.from(value.slice('whsec_'.length), 'base64').length
                return bytes >= 24 && bytes <= 64
              }, 'the secret after whsec_ is the base64 of 24 to 64 random bytes (openssl rand -base64 32)'),
            maxAttempts: z.number().int().min(1).max(20).default(5),
            backoffMs: milliseconds(1000),
            queueSize: z.number().int().min(1).max(100_000).default(1000),
            concurrency: z.number().int().min(1).max(32).default(4),
            flushTimeoutMs: milliseconds(5000),
          })
          .optional(),
      })
      .prefault({}),
    /**
     * Clients that name themselves by the https URL of their metadata (OAuth Client ID Metadata Document): refused
     * (`off`), accepted from any host (`any`), or only from these domains and their subdomains.
     */
    clientIdMetadataDocuments: z
      .union([
        z.enum(['off', 'any']),
        z.strictObject({
          allow: z
            .array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a domain name, such as apps.example.com'))
            .min(1),
        }),
      ])
      .default('off'),
    /** Seconds after a rotation during which the same refresh token may be retried; 0 disables. */
    refreshGracePeriod: z.number().int().min(0).max(60).default(0),
    /**
     * RFC 9449 §8 and §9: DPoP proofs must carry a nonce this server issued (DPoP-Nonce), so that a proof made
     * in advance by a client an attacker controls for a while expires within two minutes.
     */
    dpopNonces: z.boolean().default(false),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((config) => config.lifetimes.refreshIdle <= config.lifetimes.refreshAbsolute, {
    message: 'lifetimes.refreshIdle must not exceed lifetimes.refreshAbsolute',
    path: ['lifetimes', 'refreshIdle'],
  })

export type Config = z.output<typeof configSchema>
export type ConfigInput = z.input<typeof configSchema>
/** The `database` section: PostgreSQL's timeouts, pool size and statement preparation. */
export type DatabaseSettings = Config['database']
export type DatabaseTimeouts = Omit<DatabaseSettings, 'poolSize' | 'preparedStatements'>

export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.problems = problems
  }
}

/** Where a value sits in the configuration, as a config file writes it: `lifetimes.accessToken`, `scopes[0].name`. */
export type SettingPath = readonly PropertyKey[]

/** A setting's path in JSON notation; the whole configuration is `(config)`. */
export function settingPath(path: SettingPath): string {
  if (path.length === 0) return '(config)'
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`))
    .join('')
}

interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>
  readonly items?: SchemaNode
}

let settingsTree: SchemaNode | undefined

/** The settings an object at `path` of the schema knows, read from its JSON Schema (zod's public description). */
function knownSettings(path: SettingPath): string[] {
  settingsTree ??= z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as SchemaNode
  let node: SchemaNode | undefined = settingsTree
  for (const key of path) node = typeof key === 'number' ? node?.items : node?.properties?.[String(key)]
  return Object.keys(node?.properties ?? {})
}

/** "Did you mean": the known setting nearest a misspelled one, when it is near enough to be a typo. */
function unknownSetting(key: string, known: readonly string[]): string {
  const nearest = known.length > 0 ? closest(key, known) : undefined
  return nearest !== undefined && distance(key, nearest) <= Math.max(2, Math.floor(key.length / 3))
    ? `not a setting; did you mean ${nearest}?`
    : `not a setting (known here: ${known.join(', ')})`
}

/**
 * Validates configuration from any source; reports every mistake at once, each under the name the person used
 * (`nameOf`: an environment variable, a key of their file), an unknown setting with the nearest known one.
 */
export function parseConfig(input: unknown, nameOf: (path: SettingPath) => string = settingPath): Config {
  // Without zod's JIT: a configuration is parsed once per process, and compiling the fast path of each object
  // schema (new Function) costs more than it saves, some 5 ms of every start (issue #14).
  const result = configSchema.safeParse(input, { jitless: true })
  if (result.success) return result.data
  throw new ConfigError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map(
            (key) => `${nameOf([...issue.path, key])}: ${unknownSetting(key, knownSettings(issue.path))}`,
          )
        : [`${nameOf(issue.path)}: ${issue.message}`],
    ),
  )
}

/** The audience access tokens carry by default: the configured API, else the issuer itself. */
export function defaultAudience(config: Config): string {
  return config.accessTokenAudience ?? config.issuer
}
