import type { ClientRegistration } from '../client-registration.ts'
import type { Config } from '../config.ts'
import {
  InvalidClientMetadata,
  InvalidRedirectUri,
  InvalidSoftwareStatement,
  type OAuthError,
  UnapprovedSoftwareStatement,
} from '../errors.ts'
import { legacyFlowOf } from '../grants/index.ts'
import { SUBJECT_TYPES } from '../oidc/subject.ts'
import { ID_TOKEN_ALGORITHMS } from '../tokens/signing-keys.ts'
import type { Client, ClientKeySet, ClientLinks, TokenEndpointAuthMethod } from '../model/client.ts'
import { AUTHORIZATION_CODE, IMPLICIT } from '../protocol/grant-types.ts'
import { isLoopbackHost } from '../protocol/redirect-uri.ts'

/** What a registration request asks for: the client it describes, and the links kept for people to see. */
export interface RequestedClient {
  readonly registration: ClientRegistration
  readonly links: ClientLinks
}

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
]

/** RFC 7591 §2.1: each response type and the grant type it goes with. */
const RESPONSE_TYPE_GRANTS: Readonly<Record<string, string>> = { code: AUTHORIZATION_CODE, token: IMPLICIT }

const LINK_FIELDS = {
  client_uri: 'clientUri',
  logo_uri: 'logoUri',
  tos_uri: 'tosUri',
  policy_uri: 'policyUri',
}

type Json = Readonly<Record<string, unknown>>

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function text(body: Json, field: string): string | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new InvalidClientMetadata(`${field} must be a string.`)
  return value
}

function texts(
  body: Json,
  field: string,
  fail: new (description: string) => OAuthError = InvalidClientMetadata,
): readonly string[] | undefined {
  const value = body[field]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new fail(`${field} must be an array of strings.`)
  }
  return value as string[]
}

/** A field that takes one of a few values, or invalid_client_metadata naming them. */
function choice<T extends string>(body: Json, field: string, known: readonly T[]): T | undefined {
  const value = text(body, field)
  if (value !== undefined && !(known as readonly string[]).includes(value)) {
    throw new InvalidClientMetadata(`${field} must be one of ${known.join(', ')}.`)
  }
  return value as T | undefined
}

/** RFC 7591 §2: a link people follow is a web address; https, or http on a loopback host while developing. */
function link(body: Json, field: string): string | undefined {
  const value = text(body, field)
  if (value === undefined) return undefined
  const url = URL.parse(value)
  const web =
    url !== null && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))
  if (!web) throw new InvalidClientMetadata(`${field} must be an https URL.`)
  return value
}

function keySet(body: Json): ClientKeySet | undefined {
  const value = body.jwks
  if (value === undefined || value === null) return undefined
  const keys = isObject(value) ? value.keys : undefined
  if (!Array.isArray(keys) || !keys.every(isObject)) {
    throw new InvalidClientMetadata('jwks must be a JWK set: {"keys": [ ...public keys... ]}.')
  }
  return { keys }
}

/**
 * RFC 7591 §2 client metadata, read into the registration an operator's `keyward clients create` would make, so
 * that the one validator (client-registration.ts) decides. Unknown fields are ignored (§2); known ones are
 * checked here for their shape only.
 */
export function requestedClient(body: unknown, config: Pick<Config, 'scopes'>): RequestedClient {
  if (!isObject(body)) {
    throw new InvalidClientMetadata(
      'The request body must be a JSON object of client metadata (RFC 7591 §3.1).',
    )
  }
  // RFC 7591 §2.3: software statements are optional, and this server approves none.
  if (body.software_statement !== undefined) {
    if (typeof body.software_statement !== 'string') {
      throw new InvalidSoftwareStatement('software_statement must be a signed JWT.')
    }
    throw new UnapprovedSoftwareStatement('This server does not accept software statements.')
  }
  if (body.jwks_uri !== undefined) {
    throw new InvalidClientMetadata(
      'jwks_uri is not supported yet: register the public keys in jwks instead.',
    )
  }
  const method = (text(body, 'token_endpoint_auth_method') ??
    'client_secret_basic') as TokenEndpointAuthMethod
  if (!AUTH_METHODS.includes(method)) {
    throw new InvalidClientMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`)
  }
  // RFC 7591 §2: grant_types defaults to authorization_code, response_types to code (for a client that can use it:
  // a client_credentials job that names no response type asks for none).
  const grantTypes = texts(body, 'grant_types') ?? [AUTHORIZATION_CODE]
  const responseTypes =
    texts(body, 'response_types') ?? (grantTypes.includes(AUTHORIZATION_CODE) ? ['code'] : [])
  for (const responseType of responseTypes) {
    const grantType = RESPONSE_TYPE_GRANTS[responseType]
    if (grantType === undefined) {
      throw new InvalidClientMetadata(`The response type ${responseType} is not supported; use code.`)
    }
    // RFC 7591 §2.1: the response types and the grant types must agree.
    if (!grantTypes.includes(grantType)) {
      throw new InvalidClientMetadata(`The response type ${responseType} needs the ${grantType} grant type.`)
    }
  }
  for (const grantType of grantTypes) {
    // RFC 9700 §2.1.2, §2.4: legacy flows are enabled by an operator for a client they know, never asked for.
    if (legacyFlowOf(grantType) !== undefined) {
      throw new InvalidClientMetadata(
        `The ${grantType} grant is a legacy flow that a client cannot register for itself; use authorization_code.`,
      )
    }
  }
  const jwks = keySet(body)
  if (method === 'private_key_jwt' && jwks === undefined) {
    throw new InvalidClientMetadata('A private_key_jwt client must register its public keys in jwks.')
  }
  const scope = text(body, 'scope')
  const links: Record<string, unknown> = {}
  for (const [field, key] of Object.entries(LINK_FIELDS)) {
    const value = link(body, field)
    if (value !== undefined) links[key] = value
  }
  const contacts = texts(body, 'contacts')
  if (contacts !== undefined) links.contacts = contacts
  // OpenID Connect Dynamic Client Registration 1.0 §2: absent, public and RS256.
  const subjectType = choice(body, 'subject_type', SUBJECT_TYPES)
  const idTokenAlg = choice(body, 'id_token_signed_response_alg', ID_TOKEN_ALGORITHMS)
  const sectorIdentifierUri = text(body, 'sector_identifier_uri')
  return {
    registration: {
      name: text(body, 'client_name') ?? '',
      type: method === 'none' ? 'public' : 'confidential',
      tokenEndpointAuthMethod: method,
      grantTypes,
      redirectUris: texts(body, 'redirect_uris', InvalidRedirectUri) ?? [],
      // Like `keyward clients create` without --scopes: every scope the server defines.
      scopes:
        scope === undefined ? config.scopes.map((defined) => defined.name) : scope.split(' ').filter(Boolean),
      ...(jwks === undefined ? {} : { jwks }),
      ...(subjectType === undefined ? {} : { subjectType }),
      ...(idTokenAlg === undefined ? {} : { idTokenSignedResponseAlg: idTokenAlg }),
      ...(sectorIdentifierUri === undefined ? {} : { sectorIdentifierUri }),
    },
    links: links as ClientLinks,
  }
}

/** RFC 7591 §2 and §3.2.1: the client's metadata as registered, defaults applied, in wire names. */
export function clientMetadata(client: Client): Record<string, unknown> {
  const links = client.dynamicRegistration?.links ?? {}
  return {
    client_id: client.id,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: Object.entries(RESPONSE_TYPE_GRANTS)
      .filter(([, grantType]) => client.grantTypes.includes(grantType))
      .map(([responseType]) => responseType),
    scope: client.scopes.join(' '),
    ...(client.jwks === null ? {} : { jwks: client.jwks }),
    subject_type: client.subjectType,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    ...(client.sectorIdentifierUri === null ? {} : { sector_identifier_uri: client.sectorIdentifierUri }),
    ...(links.clientUri === undefined ? {} : { client_uri: links.clientUri }),
    ...(links.logoUri === undefined ? {} : { logo_uri: links.logoUri }),
    ...(links.tosUri === undefined ? {} : { tos_uri: links.tosUri }),
    ...(links.policyUri === undefined ? {} : { policy_uri: links.policyUri }),
    ...(links.contacts === undefined ? {} : { contacts: links.contacts }),
    // RFC 7591 §3.2.1: required with a secret; 0 means it never expires.
    ...(client.secretDigest === null ? {} : { client_secret_expires_at: 0 }),
  }
}
