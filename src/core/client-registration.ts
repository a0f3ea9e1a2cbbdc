import { clientErrors, type Finding, type LintedConfig } from './advisor/lint.ts'
import type { Clock } from './clock.ts'
import { KNOWN_GRANT_TYPES, legacyFlowOf, redirectsToClient } from './grants/index.ts'
import type {
  AccessTokenFormat,
  Client,
  ClientKeySet,
  ClientLifetimes,
  ClientType,
  LegacyFlow,
  TokenEndpointAuthMethod,
} from './model/client.ts'
import { type Digest, digest } from './protocol/digest.ts'
import { type Random, randomId, randomToken } from './random.ts'

export interface ClientRegistration {
  readonly name: string
  readonly type: ClientType
  readonly grantTypes: readonly string[]
  readonly redirectUris: readonly string[]
  readonly scopes: readonly string[]
  readonly defaultScopes?: readonly string[]
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod
  /** The public keys of a private_key_jwt client (RFC 7517 JWK set). */
  readonly jwks?: ClientKeySet
  readonly accessTokenFormat?: AccessTokenFormat
  readonly lifetimes?: ClientLifetimes
  readonly canIntrospect?: boolean
  /** The operator's explicit acknowledgement for each legacy flow among the grant types (RFC 9700 §2.4, §2.1.2). */
  readonly allowLegacy?: readonly LegacyFlow[]
}

export class ClientRegistrationError extends Error {
  /** Every reason, in words: the registration's own, then the lint errors' messages. */
  readonly problems: readonly string[]
  /** The findings of severity error `keyward lint` would report on the client, which the operator may accept. */
  readonly lintErrors: readonly Finding[]
  constructor(problems: readonly string[], lintErrors: readonly Finding[] = []) {
    super(problems.join('\n'))
    this.problems = problems
    this.lintErrors = lintErrors
  }
}

export interface RegistrationOptions {
  /** Saves a client `keyward lint` calls erroneous (`keyward clients create --force`); its own problems still refuse it. */
  readonly acceptLintErrors?: boolean
}

/** What the registration itself gets wrong; the lint errors in the client it makes are checked besides. */
function registrationProblems(
  registration: ClientRegistration,
  client: Client,
  config: LintedConfig,
): string[] {
  const problems: string[] = []
  const { grantTypes, redirectUris, scopes } = registration
  if (registration.name.trim() === '')
    problems.push('The client needs a name: people see it on the consent page.')
  for (const grantType of grantTypes) {
    if (!KNOWN_GRANT_TYPES.includes(grantType)) {
      problems.push(`Unknown grant type ${grantType}; known: ${KNOWN_GRANT_TYPES.join(', ')}.`)
    }
    const legacy = legacyFlowOf(grantType)
    if (legacy && !registration.allowLegacy?.includes(legacy)) {
      problems.push(
        `The ${grantType} grant is a legacy flow: enable it only with an explicit --allow-legacy ${legacy}.`,
      )
    }
  }
  const redirecting = grantTypes.filter(redirectsToClient)
  if (redirecting.length > 0 && redirectUris.length === 0) {
    problems.push(`A client with ${redirecting.join(' or ')} needs at least one redirect URI.`)
  }
  const known = new Set(config.scopes.map((scope) => scope.name))
  for (const scope of [...scopes, ...(registration.defaultScopes ?? [])]) {
    if (!known.has(scope)) problems.push(`The scope ${scope} is not defined in the server configuration.`)
  }
  for (const scope of registration.defaultScopes ?? []) {
    if (!scopes.includes(scope)) problems.push(`The default scope ${scope} is not among the client's scopes.`)
  }
  if (registration.jwks !== undefined) {
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt') {
      problems.push('Only a private_key_jwt client registers keys.')
    }
    problems.push(...registration.jwks.keys.flatMap(keyProblems))
  }
  return problems
}

/**
 * A new client from a registration. For a confidential client the secret is returned once, here, and only its
 * digest is kept (architecture §5).
 */
export function registerClient(
  registration: ClientRegistration,
  deps: { config: LintedConfig; clock: Clock; random: Random },
  options: RegistrationOptions = {},
): { client: Client; secret: string | null } {
  const now = deps.clock.now()
  const tokenEndpointAuthMethod =
    registration.tokenEndpointAuthMethod ?? (registration.type === 'public' ? 'none' : 'client_secret_basic')
  // A client that proves itself with keys gets no secret: nothing it does could use one.
  const credentials =
    registration.type === 'confidential' && tokenEndpointAuthMethod !== 'private_key_jwt'
      ? newClientSecret(deps.random)
      : null
  const client: Client = {
    id: randomId(deps.random),
    name: registration.name.trim(),
    type: registration.type,
    secretDigest: credentials?.secretDigest ?? null,
    jwks: registration.jwks ?? null,
    tokenEndpointAuthMethod,
    redirectUris: registration.redirectUris,
    grantTypes: registration.grantTypes,
    scopes: registration.scopes,
    defaultScopes: registration.defaultScopes ?? registration.scopes,
    legacyFlows: registration.grantTypes.flatMap((grantType) => legacyFlowOf(grantType) ?? []),
    accessTokenFormat: registration.accessTokenFormat ?? 'jwt',
    lifetimes: registration.lifetimes ?? {},
    canIntrospect: registration.canIntrospect ?? false,
    createdAt: now,
    updatedAt: now,
  }
  // Unsafe or inconsistent: its own problems, then every lint error in it (`keyward lint` would fail on it).
  const problems = registrationProblems(registration, client, deps.config)
  const lintErrors = options.acceptLintErrors === true ? [] : clientErrors(deps.config, client)
  if (problems.length > 0 || lintErrors.length > 0) {
    throw new ClientRegistrationError(
      [...problems, ...lintErrors.map((finding) => finding.message)],
      lintErrors,
    )
  }
  return { client, secret: credentials?.secret ?? null }
}

/** A 256-bit client secret, to show once, and the digest that is all Keyward keeps of it (architecture §5). */
export function newClientSecret(random: Random): { secret: string; secretDigest: Digest } {
  const secret = randomToken(random)
  return { secret, secretDigest: digest(secret) }
}

/** Members of a JWK that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** A registered key is a public signing key of a type the assertion algorithms use (RFC 7517 §4). */
function keyProblems(key: Readonly<Record<string, unknown>>, index: number): string[] {
  const name = typeof key.kid === 'string' ? `Key ${key.kid}` : `Key ${index + 1}`
  const problems: string[] = []
  if (!['RSA', 'EC', 'OKP'].includes(String(key.kty))) problems.push(`${name} is not an RSA, EC or OKP key.`)
  if (PRIVATE_MEMBERS.some((member) => member in key)) {
    problems.push(
      `${name} has a private part: register the public key only, and keep the private key with the client.`,
    )
  }
  if (key.use !== undefined && key.use !== 'sig')
    problems.push(`${name} is not for signatures (use: ${String(key.use)}).`)
  return problems
}
