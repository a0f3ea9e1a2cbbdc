import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import {
  ID_TOKEN_ALGORITHMS,
  SECURITY_PROFILES,
  SUBJECT_TYPES,
  type ClientKind,
  type ClientRegistration,
  ClientRegistrationError,
  type Finding,
  lintServer,
  clientKinds,
  clientLifetimes,
  clientPresetForKind,
  changeClientLogout,
  type ClientLogoutChanges,
  createClient,
  deleteClient,
  describeClient,
  rotateClientSecret,
} from '../../core/index.ts'
import type {
  ClientKeySet,
  ClientLifetimes,
  LegacyFlow,
  SecurityProfileName,
} from '../../core/model/client.ts'
import type { Environment } from '../config-source.ts'
import { existing, list, print, UsageError, withStores } from '../context.ts'
import { listCommand } from '../list-command.ts'

function lifetime(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const seconds = Number(value)
  // A client's lifetime is a number of seconds or the server's default: no value means "never expires".
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new UsageError(
      `${flag} takes a whole number of seconds, 1 or more (not "${value}"); to use the server's default, leave it out.`,
    )
  }
  return seconds
}

/**
 * A refused registration as the operator reads it: the registration's own problems, then what `keyward lint`
 * calls an error in its words (rule, message, fix), which --force accepts.
 */
function refusal(error: ClientRegistrationError): UsageError {
  const lintMessages = new Set(error.lintErrors.map((finding) => finding.message))
  const own = error.problems.filter((problem) => !lintMessages.has(problem))
  return new UsageError(
    [
      'The client was not created:',
      ...own.map((problem) => `  - ${problem}`),
      ...error.lintErrors.map((finding) => `  - ${lintLine(finding)}`),
      ...(error.lintErrors.length > 0 && own.length === 0
        ? ['Change the settings as `keyward lint` says, or pass --force to create the client anyway.']
        : []),
    ].join('\n'),
  )
}

const lintLine = (finding: Finding) =>
  `${finding.severity} ${finding.id}: ${finding.message}\n    fix: ${finding.fix}`

interface CreateOptions {
  name: string
  kind?: string
  type?: string
  grantTypes?: string
  redirectUris?: string
  scopes?: string
  defaultScopes?: string
  authMethod?: string
  jwks?: string
  jwksUri?: string
  accessTokenFormat?: string
  accessTokenTtl?: string
  refreshIdleTtl?: string
  refreshAbsoluteTtl?: string
  introspect?: boolean
  requirePar?: boolean
  requireSignedRequestObject?: boolean
  profile?: string
  requireDpop?: boolean
  subjectType?: string
  sectorIdentifierUri?: string
  idTokenAlg?: string
  allowLegacy?: string[]
  resource?: string[]
  postLogoutRedirectUris?: string
  backchannelLogoutUri?: string
  backchannelLogoutSessionRequired?: boolean
  force?: boolean
  json?: boolean
}

/** --kind fills in the safe settings of that kind of application; the flags it sets cannot also be given. */
function kindSettings(options: CreateOptions): Partial<CreateOptions> & { lifetimes?: ClientLifetimes } {
  if (options.kind === undefined) return {}
  if (!(clientKinds as readonly string[]).includes(options.kind)) {
    throw new UsageError(`--kind is one of ${clientKinds.join(', ')}.`)
  }
  for (const flag of ['type', 'grantTypes', 'authMethod'] as const) {
    if (options[flag] !== undefined)
      throw new UsageError('--kind sets --type, --grant-types and --auth-method: leave them out.')
  }
  const preset = clientPresetForKind(options.kind as ClientKind)
  return {
    type: preset.type,
    grantTypes: preset.grantTypes.join(','),
    authMethod: preset.tokenEndpointAuthMethod,
    lifetimes: clientLifetimes(preset.tokens),
  }
}

/** The JWK set in a file given with --jwks: its public keys are checked at registration. */
function keySetIn(file: string): ClientKeySet {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`--jwks: cannot read a JSON file at ${file}: ${(error as Error).message}`)
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'object' && key !== null)) {
    throw new UsageError('--jwks: the file must hold a JWK set: {"keys": [ ...public keys... ]}.')
  }
  return { keys }
}

/** The value of a flag that takes one of a few words, or a usage error naming them. */
function oneOf<T extends string>(value: string, known: readonly T[], flag: string): T {
  if (!(known as readonly string[]).includes(value))
    throw new UsageError(`${flag} is one of ${known.join(', ')}.`)
  return value as T
}

/** A profile's name, or none: the server's defaultSecurityProfile does not apply to this client. */
function securityProfileNamed(name: string): SecurityProfileName | null {
  const known = Object.keys(SECURITY_PROFILES)
  if (name === 'none') return null
  if (!known.includes(name)) throw new UsageError(`--profile is one of ${known.join(', ')} or none.`)
  return name as SecurityProfileName
}

function registrationFrom(given: CreateOptions, defaultScopes: readonly string[]): ClientRegistration {
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
  if (given.jwks !== undefined && given.jwksUri !== undefined) {
    throw new UsageError('--jwks and --jwks-uri: give the keys one way, not both.')
  }
  const preset = kindSettings(given)
  const options = { ...given, ...preset }
  options.type ??= 'confidential'
  if (options.type !== 'confidential' && options.type !== 'public') {
    throw new UsageError('--type is confidential or public.')
  }
  const scopes = options.scopes === undefined ? defaultScopes : list(options.scopes)
  const lifetimes = Object.fromEntries(
    Object.entries({
      accessToken: lifetime(options.accessTokenTtl, '--access-token-ttl'),
      refreshIdle: lifetime(options.refreshIdleTtl, '--refresh-idle-ttl'),
      refreshAbsolute: lifetime(options.refreshAbsoluteTtl, '--refresh-absolute-ttl'),
    }).filter(([, value]) => value !== undefined),
  )
  return {
    name: options.name,
    type: options.type,
    grantTypes: list(options.grantTypes ?? 'authorization_code,refresh_token'),
    redirectUris: list(options.redirectUris),
    scopes,
    ...(options.defaultScopes === undefined ? {} : { defaultScopes: list(options.defaultScopes) }),
    ...(options.authMethod === undefined
      ? {}
      : {
          tokenEndpointAuthMethod: options.authMethod as ClientRegistration['tokenEndpointAuthMethod'] &
            string,
        }),
    ...(options.jwks === undefined ? {} : { jwks: keySetIn(options.jwks) }),
    ...(options.jwksUri === undefined ? {} : { jwks: { jwksUri: options.jwksUri } }),
    ...(options.accessTokenFormat === undefined
      ? {}
      : { accessTokenFormat: options.accessTokenFormat === 'opaque' ? 'opaque' : 'jwt' }),
    lifetimes: { ...preset.lifetimes, ...lifetimes },
    canIntrospect: options.introspect === true,
    requirePushedAuthorizationRequests: options.requirePar === true,
    requireSignedRequestObject: options.requireSignedRequestObject === true,
    ...(options.profile === undefined ? {} : { securityProfile: securityProfileNamed(options.profile) }),
    defaultResources: options.resource ?? [],
    dpopBoundAccessTokens: options.requireDpop === true,
    ...(options.subjectType === undefined
      ? {}
      : { subjectType: oneOf(options.subjectType, SUBJECT_TYPES, '--subject-type') }),
    ...(options.sectorIdentifierUri === undefined
      ? {}
      : { sectorIdentifierUri: options.sectorIdentifierUri }),
    ...(options.idTokenAlg === undefined
      ? {}
      : { idTokenSignedResponseAlg: oneOf(options.idTokenAlg, ID_TOKEN_ALGORITHMS, '--id-token-alg') }),
    allowLegacy: (options.allowLegacy ?? []) as LegacyFlow[],
    postLogoutRedirectUris: list(options.postLogoutRedirectUris),
    ...(options.backchannelLogoutUri === undefined
      ? {}
      : { backchannelLogoutUri: options.backchannelLogoutUri }),
    backchannelLogoutSessionRequired: options.backchannelLogoutSessionRequired === true,
  }
}

export function clientsCommand(program: Command, env: Environment): void {
  const clients = program.command('clients').description('register and manage OAuth clients')

  clients
    .command('create')
    .description('register a client; a confidential client gets a secret, shown once')
    .requiredOption('--name <name>', 'the name people see on the consent page')
    .option('--kind <kind>', `the kind of application, with its safe settings: ${clientKinds.join(', ')}`)
    .option('--type <type>', 'confidential (has a backend, the default) or public (SPA, native, CLI)')
    .option('--grant-types <list>', 'comma-separated grant types (default: authorization_code,refresh_token)')
    .option('--redirect-uris <list>', 'comma-separated redirect URIs, matched exactly')
    .option('--scopes <list>', 'scopes the client may request (default: every configured scope)')
    .option('--default-scopes <list>', 'scopes granted when a request names none (default: all of --scopes)')
    .option(
      '--auth-method <method>',
      'client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt or none',
    )
    .option('--jwks <file>', "for private_key_jwt: a JSON file with the client's public keys (a JWK set)")
    .option('--jwks-uri <url>', 'for private_key_jwt: the https URL where the client publishes its keys')
    .option('--access-token-format <format>', 'jwt (default) or opaque')
    .option('--access-token-ttl <seconds>', 'access token lifetime')
    .option('--refresh-idle-ttl <seconds>', 'refresh token idle lifetime')
    .option('--refresh-absolute-ttl <seconds>', 'refresh token absolute lifetime')
    .option('--introspect', 'a resource server: may introspect tokens issued to other clients')
    .option('--require-par', 'accept its authorization requests only when pushed (RFC 9126, POST /par)')
    .option(
      '--require-signed-request-object',
      'accept its authorization requests only as request objects signed with its keys (RFC 9101)',
    )
    .option(
      '--profile <profile>',
      `hold the client to a security profile, checked now and at every request: ${Object.keys(SECURITY_PROFILES).join(', ')}, or none (default: the config's defaultSecurityProfile)`,
    )
    .option(
      '--resource <uri>',
      'a registered resource its tokens are for when a request names none (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--require-dpop',
      'refuse token requests without a DPoP proof: every token is key-bound (RFC 9449)',
    )
    .option(
      '--subject-type <type>',
      'public (default: one sub per person) or pairwise (a sub per redirect URI host, OpenID Connect Core §8)',
    )
    .option(
      '--sector-identifier-uri <url>',
      'an https URL of a JSON array listing every redirect URI: its host is the pairwise sector (Core §8.1)',
    )
    .option(
      '--id-token-alg <alg>',
      `the algorithm of its ID tokens: ${ID_TOKEN_ALGORITHMS.join(', ')} (default: RS256)`,
    )
    .option(
      '--allow-legacy <flow...>',
      'acknowledge a legacy flow (implicit, password) among the grant types',
    )
    .option(
      '--post-logout-redirect-uris <list>',
      'comma-separated URIs a person may be sent to after signing out (RP-Initiated Logout), matched exactly',
    )
    .option('--backchannel-logout-uri <url>', 'where Keyward posts logout tokens (Back-Channel Logout)')
    .option('--backchannel-logout-session-required', 'logout tokens must carry the session id (sid)')
    .option('--force', 'create the client even with settings `keyward lint` calls errors')
    .option('--json', 'print one JSON object')
    .action(async (options: CreateOptions) => {
      await withStores(env, async (_stores, config, admin) => {
        const registration = registrationFrom(
          options,
          config.scopes.map((scope) => scope.name),
        )
        const { client, secret } = await createClient(registration, admin, {
          acceptLintErrors: options.force === true,
        }).catch((error: unknown) => {
          throw error instanceof ClientRegistrationError ? refusal(error) : error
        })
        // The operator acknowledged a legacy flow, chose a profile Keyward does not meet in full, or forced an
        // error: say once more, on stderr, what they accepted.
        const accepted = (finding: Finding) =>
          finding.id.startsWith('legacy-') ||
          finding.id.startsWith('profile-') ||
          finding.severity === 'error'
        for (const finding of lintServer(config, [client]).filter(accepted)) {
          console.error(`Warning: ${finding.message}\n  ${finding.fix}`)
        }
        const result = { ...describeClient(client), ...(secret === null ? {} : { client_secret: secret }) }
        print(options.json === true, result, () =>
          [
            `Created ${client.type} client "${client.name}"`,
            `  client_id:     ${client.id}`,
            ...(secret === null
              ? []
              : [`  client_secret: ${secret}`, '  (shown once: Keyward keeps only its digest)']),
          ].join('\n'),
        )
      })
    })

  listCommand(clients, env, 'list', 'list registered clients', ({ stores }) => stores.clients.list(), {
    none: 'No clients.',
    line: (client) =>
      `${client.id}  ${client.type.padEnd(12)}  ${client.name}${client.dynamicRegistration ? '  (registered itself)' : ''}`,
    json: describeClient,
  })

  clients
    .command('show <client_id>')
    .description('show one client')
    .option('--json', 'print JSON')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withStores(env, async (stores) => {
        const client = existing(await stores.clients.get(clientId), `client ${clientId}`)
        print(options.json === true, describeClient(client), () =>
          JSON.stringify(describeClient(client), null, 2),
        )
      })
    })

  clients
    .command('delete <client_id>')
    .description('delete a client and everything issued to it')
    .action(async (clientId: string) => {
      await withStores(env, async (_stores, _config, admin) => {
        if (!(await deleteClient(clientId, admin))) throw new UsageError(`No client ${clientId}.`)
        console.log(`Deleted client ${clientId} and every code, grant and token issued to it.`)
      })
    })

  clients
    .command('rotate-secret <client_id>')
    .description('give a confidential client a new secret (shown once); the old one stops working at once')
    .option('--json', 'print one JSON object')
    .action(async (clientId: string, options: { json?: boolean }) => {
      await withStores(env, async (stores, _config, admin) => {
        const client = existing(await stores.clients.get(clientId), `client ${clientId}`)
        if (client.type !== 'confidential')
          throw new UsageError(`${clientId} is a public client: it has no secret.`)
        const secret = await rotateClientSecret(client, admin)
        print(options.json === true, { client_id: clientId, client_secret: secret }, () =>
          [
            `New secret for ${clientId}:`,
            `  client_secret: ${secret}`,
            '  (shown once: Keyward keeps only its digest)',
          ].join('\n'),
        )
      })
    })

  clients
    .command('update <client_id>')
    .description("change a client's logout settings; what is not given stays as it is")
    .option(
      '--post-logout-redirect-uris <list>',
      'comma-separated URIs a person may be sent to after signing out (empty: none)',
    )
    .option('--backchannel-logout-uri <url>', 'where Keyward posts logout tokens (empty: none)')
    .option('--backchannel-logout-session-required', 'logout tokens must carry the session id (sid)')
    .option('--no-backchannel-logout-session-required', 'logout tokens need not carry the sid')
    .option('--json', 'print one JSON object')
    .action(async (clientId: string, options: LogoutUpdateOptions) => {
      await withStores(env, async (stores, _config, admin) => {
        const client = existing(await stores.clients.get(clientId), `client ${clientId}`)
        const changed = await changeClientLogout(client, logoutChanges(options), admin)
        print(options.json === true, describeClient(changed), () => `Updated client ${clientId}.`)
      })
    })
}

interface LogoutUpdateOptions {
  postLogoutRedirectUris?: string
  backchannelLogoutUri?: string
  backchannelLogoutSessionRequired?: boolean
  json?: boolean
}

/** The flags given, as changes: an empty value clears the setting. */
function logoutChanges(options: LogoutUpdateOptions): ClientLogoutChanges {
  const { postLogoutRedirectUris, backchannelLogoutUri, backchannelLogoutSessionRequired } = options
  return {
    ...(postLogoutRedirectUris === undefined ? {} : { postLogoutRedirectUris: list(postLogoutRedirectUris) }),
    ...(backchannelLogoutUri === undefined ? {} : { backchannelLogoutUri: backchannelLogoutUri || null }),
    ...(backchannelLogoutSessionRequired === undefined ? {} : { backchannelLogoutSessionRequired }),
  }
}
