import { clientErrors, type Finding, type LintedConfig } from './advisor/lint.ts'
import type { Clock } from './clock.ts'
import { KNOWN_GRANT_TYPES, legacyFlowOf, redirectsToClient } from './grants/index.ts'
import type {
  AccessTokenFormat,
  Client,
  ClientKeys,
  ClientLifetimes,
  ClientType,
  IdTokenSigningAlgorithm,
  LegacyFlow,
  SecurityProfileName,
  SubjectType,
  TokenEndpointAuthMethod,
} from './model/client.ts'
import { CLIENT_SECRET_SEAL } from './client-auth/client-secret-jwt.ts'
import { sectorIdentifierDocumentProblem, sectorIdentifierUriProblem } from './oidc/sector-identifier.ts'
import { sectorIdentifierProblem } from './oidc/subject.ts'
import type { OutboundFetch } from './ports/fetch.ts'
import { type Digest, digest } from './protocol/digest.ts'
import { seal } from './protocol/sealed.ts'
import { type Random, randomId, randomToken } from './random.ts'
import { resourceIdentifierProblem } from './resources/identifier.ts'

export interface ClientRegistration {
  readonly name: string
  readonly type: ClientType
  readonly grantTypes: readonly string[]
  readonly redirectUris: readonly string[]
  readonly scopes: readonly string[]
  readonly defaultScopes?: readonly string[]
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod
  /** The public keys of a private_key_jwt client (RFC 7517 JWK set), or the https URL it publishes them at. */
  readonly jwks?: ClientKeys
  readonly accessTokenFormat?: AccessTokenFormat
  readonly lifetimes?: ClientLifetimes
  readonly canIntrospect?: boolean
  /** RFC 9126 §6: the client's authorization requests come through PAR only. */
  readonly requirePushedAuthorizationRequests?: boolean
  /** RFC 9101 §10.5: the client's authorization requests come as signed request objects only. */
  readonly requireSignedRequestObject?: boolean
  /** A security profile the client is held to (src/core/profiles/): absent, the server's default; null, none. */
  readonly securityProfile?: SecurityProfileName | null
  /** Registered resources (RFC 8707) its tokens are for when a request names none. */
  readonly defaultResources?: readonly string[]
  /** RFC 9449 §5.2: refuse this client's token requests that carry no DPoP proof. */
  readonly dpopBoundAccessTokens?: boolean
  /** OpenID Connect Core §8: public (the default) or pairwise `sub`. */
  readonly subjectType?: SubjectType
  /** OpenID Connect Registration §2: an https URL listing every redirect URI; its host is the pairwise sector. */
  readonly sectorIdentifierUri?: string
  /** OpenID Connect Registration §2: RS256 (the default), ES256 or EdDSA for its ID tokens. */
  readonly idTokenSignedResponseAlg?: IdTokenSigningAlgorithm
  /** The operator's explicit acknowledgement for each legacy flow among the grant types (RFC 9700 §2.4, §2.1.2). */
  readonly allowLegacy?: readonly LegacyFlow[]
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 */
  readonly postLogoutRedirectUris?: readonly string[]
  /** OpenID Connect Back-Channel Logout 1.0 §2.2 */
  readonly backchannelLogoutUri?: string
  readonly backchannelLogoutSessionRequired?: boolean
}

/** One reason a registration is refused, and whether it is about the redirect URIs (RFC 7591 §3.2.2 tells). */
interface RegistrationProblem {
  readonly message: string
  readonly aboutRedirectUris: boolean
}

export class ClientRegistrationError extends Error {
  /** Every reason, in words: the registration's own, the lint errors' messages, then contradictions. */
  readonly problems: readonly string[]
  /** The problems among `problems` that are about the redirect URIs. */
  readonly redirectUriProblems: readonly string[]
  /** The findings of severity error `keyward lint` would report on the client, which the operator may accept. */
  readonly lintErrors: readonly Finding[]
  /** `problems` counts the lint errors among them; `lintErrors` are the findings those came from. */
  constructor(problems: readonly RegistrationProblem[], lintErrors: readonly Finding[] = []) {
    super(problems.map((problem) => problem.message).join('\n'))
    this.problems = problems.map((problem) => problem.message)
    this.redirectUriProblems = problems
      .filter((problem) => problem.aboutRedirectUris)
      .map((problem) => problem.message)
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
): RegistrationProblem[] {
  const problems: string[] = []
  const redirectUriProblems: string[] = []
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
    redirectUriProblems.push(`A client with ${redirecting.join(' or ')} needs at least one redirect URI.`)
  }
  const known = new Set(config.scopes.map((scope) => scope.name))
  for (const scope of [...scopes, ...(registration.defaultScopes ?? [])]) {
    if (!known.has(scope)) problems.push(`The scope ${scope} is not defined in the server configuration.`)
  }
  for (const scope of registration.defaultScopes ?? []) {
    if (!scopes.includes(scope)) problems.push(`The default scope ${scope} is not among the client's scopes.`)
  }
  for (const resource of registration.defaultResources ?? []) {
    const problem = resourceIdentifierProblem(resource)
    if (problem !== null) problems.push(`The default resource ${problem}`)
  }
  // RFC 9449 §5.2: a client whose tokens must all be DPoP-bound cannot take implicit tokens, which are not.
  if (registration.dpopBoundAccessTokens === true && grantTypes.includes('implicit')) {
    problems.push('A client that requires DPoP cannot use the implicit flow: its tokens come unbound.')
  }
  if (client.sectorIdentifierUri !== null) {
    const problem = sectorIdentifierUriProblem(client.sectorIdentifierUri)
    if (problem !== null) problems.push(problem)
  } else if (client.subjectType === 'pairwise') {
    const problem = sectorIdentifierProblem(client)
    if (problem !== null) redirectUriProblems.push(problem)
  }
  if (registration.jwks !== undefined) {
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt') {
      problems.push('Only a private_key_jwt client registers keys.')
    }
    if ('keys' in registration.jwks) problems.push(...registration.jwks.keys.flatMap(keyProblems))
    // RFC 7591 §2: jwks_uri is a URL, fetched over TLS (Keyward's outbound fetch is https only).
    else if (!URL.canParse(registration.jwks.jwksUri) || !registration.jwks.jwksUri.startsWith('https://'))
      problems.push(`The jwks_uri ${registration.jwks.jwksUri} is not an https URL.`)
  }
  // RFC 9101 §10.5: request objects are verified with the client's registered keys.
  if (registration.requireSignedRequestObject === true && client.jwks === null) {
    problems.push('A client that must sign its request objects registers its keys (jwks or jwks_uri).')
  }
  return [
    ...problems.map((message) => ({ message, aboutRedirectUris: false })),
    ...redirectUriProblems.map((message) => ({ message, aboutRedirectUris: true })),
  ]
}

/** A lint error as a reason to refuse a client; the redirect-uri-* checks are about its redirect URIs. */
const lintProblem = (finding: Finding): RegistrationProblem => ({
  message: finding.message,
  aboutRedirectUris: finding.id.startsWith('redirect-uri-'),
})

/** Settings of a client that contradict each other, which no lint finding covers; no operator may accept them. */
function contradictions(client: Client): RegistrationProblem[] {
  return client.backchannelLogoutSessionRequired && client.backchannelLogoutUri === null
    ? [
        {
          message: 'Only a client with a back-channel logout URI can require the sid in logout tokens.',
          aboutRedirectUris: false,
        },
      ]
    : []
}

/**
 * What is wrong with a client as it would be saved, by registration or a change: every lint error, and logout
 * settings that contradict each other.
 */
export function clientProblems(client: Client, config: LintedConfig): RegistrationProblem[] {
  return [...clientErrors(config, client).map(lintProblem), ...contradictions(client)]
}

interface CheckDeps {
  readonly config: LintedConfig & { readonly defaultSecurityProfile?: SecurityProfileName | undefined }
  readonly clock: Clock
}

/**
 * What registering needs beyond the checks: randomness for ids and secrets, and the server's secret, which seals
 * the secret of a client_secret_jwt client (architecture §5).
 */
type RegistrationDeps = CheckDeps & { readonly random: Random; readonly config: { readonly secret?: string } }

const authMethodOf = (registration: ClientRegistration): TokenEndpointAuthMethod =>
  registration.tokenEndpointAuthMethod ?? (registration.type === 'public' ? 'none' : 'client_secret_basic')

// A client that proves itself with keys gets no secret: nothing it does could use one.
const usesSecret = (registration: ClientRegistration): boolean =>
  registration.type === 'confidential' && authMethodOf(registration) !== 'private_key_jwt'

/** The secret and what is kept of it: its digest, and for client_secret_jwt also the secret sealed. */
type ClientCredentials = Pick<Client, 'secretDigest' | 'encryptedSecret'>
const NO_CREDENTIALS: ClientCredentials = { secretDigest: null, encryptedSecret: null }

/**
 * A new client from a registration. For a confidential client the secret is returned once, here, and only its
 * digest is kept (architecture §5).
 */
export function registerClient(
  registration: ClientRegistration,
  deps: RegistrationDeps,
  options: RegistrationOptions = {},
): { client: Client; secret: string | null } {
  const credentials = usesSecret(registration) ? newClientSecret(authMethodOf(registration), deps) : null
  const identity = { id: randomId(deps.random), createdAt: deps.clock.now() }
  const client = checkedClient(registration, identity, credentials ?? NO_CREDENTIALS, deps, options)
  return { client, secret: credentials?.secret ?? null }
}

/**
 * `existing` changed to a new registration, which passes every check a new one does: same id and creation time,
 * and the same secret while the client still uses one. A secret is returned only when one is issued, here.
 */
export function reregisterClient(
  existing: Client,
  registration: ClientRegistration,
  deps: RegistrationDeps,
): { client: Client; secret: string | null } {
  const method = authMethodOf(registration)
  // A client_secret_jwt client needs its secret sealed: one whose secret was only digested gets a new one.
  const needsSecret =
    existing.secretDigest === null || (method === 'client_secret_jwt' && existing.encryptedSecret === null)
  const credentials = usesSecret(registration) && needsSecret ? newClientSecret(method, deps) : null
  const kept: ClientCredentials = {
    secretDigest: existing.secretDigest,
    encryptedSecret: method === 'client_secret_jwt' ? existing.encryptedSecret : null,
  }
  const client = checkedClient(
    // A change that names no profile keeps the one the client is held to.
    registration.securityProfile === undefined
      ? { ...registration, securityProfile: existing.securityProfile }
      : registration,
    { id: existing.id, createdAt: existing.createdAt, dynamicRegistration: existing.dynamicRegistration },
    usesSecret(registration) ? (credentials ?? kept) : NO_CREDENTIALS,
    deps,
  )
  return { client, secret: credentials?.secret ?? null }
}

/**
 * The client a registration describes, under an id it already has (a client ID metadata document's URL): the
 * same checks as `registerClient`, for a client that has no secret (the document may not register one).
 */
export function describedClient(registration: ClientRegistration, id: string, deps: CheckDeps): Client {
  return checkedClient(registration, { id, createdAt: deps.clock.now() }, NO_CREDENTIALS, deps)
}

/** The client a registration makes under `identity` with `credentials`, or every reason it may not be saved. */
function checkedClient(
  registration: ClientRegistration,
  identity: Pick<Client, 'id' | 'createdAt'> & Partial<Pick<Client, 'dynamicRegistration'>>,
  credentials: ClientCredentials,
  deps: CheckDeps,
  options: RegistrationOptions = {},
): Client {
  const client: Client = {
    id: identity.id,
    name: registration.name.trim(),
    type: registration.type,
    secretDigest: credentials.secretDigest,
    encryptedSecret: credentials.encryptedSecret,
    jwks: registration.jwks ?? null,
    tokenEndpointAuthMethod: authMethodOf(registration),
    redirectUris: registration.redirectUris,
    grantTypes: registration.grantTypes,
    scopes: registration.scopes,
    defaultScopes: registration.defaultScopes ?? registration.scopes,
    legacyFlows: registration.grantTypes.flatMap((grantType) => legacyFlowOf(grantType) ?? []),
    accessTokenFormat: registration.accessTokenFormat ?? 'jwt',
    lifetimes: registration.lifetimes ?? {},
    canIntrospect: registration.canIntrospect ?? false,
    requirePushedAuthorizationRequests: registration.requirePushedAuthorizationRequests ?? false,
    requireSignedRequestObject: registration.requireSignedRequestObject ?? false,
    securityProfile:
      registration.securityProfile === undefined
        ? (deps.config.defaultSecurityProfile ?? null)
        : registration.securityProfile,
    defaultResources: [...new Set(registration.defaultResources ?? [])],
    dpopBoundAccessTokens: registration.dpopBoundAccessTokens ?? false,
    postLogoutRedirectUris: registration.postLogoutRedirectUris ?? [],
    backchannelLogoutUri: registration.backchannelLogoutUri ?? null,
    backchannelLogoutSessionRequired: registration.backchannelLogoutSessionRequired ?? false,
    subjectType: registration.subjectType ?? 'public',
    sectorIdentifierUri: registration.sectorIdentifierUri ?? null,
    idTokenSignedResponseAlg: registration.idTokenSignedResponseAlg ?? 'RS256',
    createdAt: identity.createdAt,
    updatedAt: deps.clock.now(),
    dynamicRegistration: identity.dynamicRegistration ?? null,
  }
  // Unsafe or inconsistent: its own problems, then every lint error in it (`keyward lint` would fail on it)
  // unless the operator accepts those, then contradictions no one may accept.
  const lintErrors = options.acceptLintErrors === true ? [] : clientErrors(deps.config, client)
  const problems = [
    ...registrationProblems(registration, client, deps.config),
    ...lintErrors.map(lintProblem),
    ...contradictions(client),
  ]
  if (problems.length > 0) throw new ClientRegistrationError(problems, lintErrors)
  return client
}

/**
 * The check of a new or changed client that needs another server: the document at its sector_identifier_uri must
 * list every redirect URI (OpenID Connect Registration §2), else the same refusal as every other check.
 */
export async function confirmSectorIdentifier(
  client: Client,
  deps: { readonly fetch: OutboundFetch },
): Promise<void> {
  const problem = await sectorIdentifierDocumentProblem(client, deps.fetch)
  if (problem !== null) throw new ClientRegistrationError([{ message: problem, aboutRedirectUris: false }])
}

/**
 * A 256-bit client secret, to show once, and what Keyward keeps of it (architecture §5): its digest, and for a
 * client_secret_jwt client, whose HMACs need the secret itself, the secret sealed under the server's secret.
 */
export function newClientSecret(
  method: TokenEndpointAuthMethod,
  deps: { readonly random: Random; readonly config: { readonly secret?: string } },
): ClientCredentials & { secret: string; secretDigest: Digest } {
  const secret = randomToken(deps.random)
  if (method !== 'client_secret_jwt') return { secret, secretDigest: digest(secret), encryptedSecret: null }
  if (deps.config.secret === undefined)
    throw new Error('Sealing a client_secret_jwt secret needs the server secret.')
  return {
    secret,
    secretDigest: digest(secret),
    encryptedSecret: seal(secret, deps.config.secret, CLIENT_SECRET_SEAL, deps.random),
  }
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
