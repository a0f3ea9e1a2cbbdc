import { type ClientRegistration, ClientRegistrationError, describedClient } from '../client-registration.ts'
import type { Config } from '../config.ts'
import type { CoreContext } from '../context.ts'
import { InvalidClient } from '../errors.ts'
import type { Client, ClientKeySet, TokenEndpointAuthMethod } from '../model/client.ts'
import { OutboundFetchError } from '../ports/fetch.ts'

/**
 * OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document, adopted by the MCP
 * specification): a client names itself by the https URL of a JSON document holding its metadata, which Keyward
 * fetches (through the outbound-fetch port, with its SSRF defences and HTTP cache) and validates each time it is
 * needed. No registered client has such an id: theirs are random values.
 */
export function isMetadataDocumentClientId(clientId: string): boolean {
  return clientId.startsWith('https://')
}

export type MetadataDocumentDeps = Pick<CoreContext, 'config' | 'clock' | 'fetch'>

/** The grant types a metadata document client may use: the redirect flow and its refresh, nothing else. */
const DOCUMENT_GRANT_TYPES = ['authorization_code', 'refresh_token']
/** A client without a registration has no secret to share: it is public, or proves itself with its keys. */
const DOCUMENT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'private_key_jwt']

const refused = (why: string, cause?: unknown) =>
  new InvalidClient(`The client's metadata document cannot be used: ${why}`, false, { cause })

/** Whether the operator's policy lets clients from this URL's host in (an allowed domain or a subdomain of one). */
function allowedByPolicy(url: URL, policy: Config['clientIdMetadataDocuments']): boolean {
  if (policy === 'off') return false
  if (policy === 'any') return true
  return policy.allow.some((domain) => {
    const host = domain.includes(':') ? url.host : url.hostname
    const allowed = domain.toLowerCase()
    return host === allowed || host.endsWith(`.${allowed}`)
  })
}

/**
 * CIMD, client identifier: the client identifier is an https URL with a path, without fragment, credentials or dot segments.
 * Written as its normalised form too, so that one client has one identifier (the document must repeat it
 * exactly).
 */
function clientIdUrl(clientId: string): URL {
  let url: URL
  try {
    url = new URL(clientId)
  } catch {
    throw refused('its client_id is not a URL.')
  }
  if (url.protocol !== 'https:') throw refused('its client_id must be an https URL.')
  if (url.hash !== '' || clientId.includes('#')) throw refused('its client_id must not have a fragment.')
  if (url.username !== '' || url.password !== '') throw refused('its client_id must not hold credentials.')
  if (url.pathname === '/') throw refused('its client_id must have a path.')
  if (url.href !== clientId) {
    throw refused('its client_id must be written as a normalised URL (no dot segments, lower-case host).')
  }
  return url
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')

function optionalString(document: Record<string, unknown>, name: string): string | undefined {
  const value = document[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw refused(`${name} must be a string.`)
  return value
}

function optionalHttpsUrl(document: Record<string, unknown>, name: string): void {
  const value = optionalString(document, name)
  if (value !== undefined && !/^https:\/\/[^\s]+$/.test(value)) throw refused(`${name} must be an https URL.`)
}

/** The registration a document describes: the draft's client metadata rules and RFC 7591 §2 first, then Keyward's own. */
function registrationIn(document: unknown, clientId: string, url: URL, config: Config): ClientRegistration {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw refused('it is not a JSON object.')
  }
  const fields = document as Record<string, unknown>
  // CIMD, client metadata: the document names the URL it was fetched from, exactly.
  if (fields.client_id !== clientId) throw refused('its client_id is not the URL it was fetched from.')
  // CIMD, client metadata: no shared secret can exist between a client and a server that never registered it.
  for (const name of ['client_secret', 'client_secret_expires_at']) {
    if (name in fields) throw refused(`it must not contain ${name}.`)
  }
  const method = fields.token_endpoint_auth_method ?? 'none'
  if (!DOCUMENT_AUTH_METHODS.includes(method as TokenEndpointAuthMethod)) {
    throw refused(`token_endpoint_auth_method must be one of ${DOCUMENT_AUTH_METHODS.join(', ')}.`)
  }
  if (!isStringArray(fields.redirect_uris) || fields.redirect_uris.length === 0) {
    throw refused('redirect_uris must list the client’s redirect URIs.')
  }
  const grantTypes = fields.grant_types ?? ['authorization_code']
  if (!isStringArray(grantTypes) || grantTypes.some((grant) => !DOCUMENT_GRANT_TYPES.includes(grant))) {
    throw refused(`grant_types may name only ${DOCUMENT_GRANT_TYPES.join(' and ')}.`)
  }
  // RFC 7591 §2.1: the code response type goes with the authorization_code grant, and Keyward answers no other.
  const responseTypes = fields.response_types ?? ['code']
  if (!isStringArray(responseTypes) || responseTypes.some((type) => type !== 'code')) {
    throw refused('response_types may name only code.')
  }
  optionalHttpsUrl(fields, 'logo_uri')
  optionalHttpsUrl(fields, 'client_uri')
  const scope = optionalString(fields, 'scope')?.split(' ').filter(Boolean)
  const jwksUri = optionalString(fields, 'jwks_uri')
  const jwks = fields.jwks
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
  if (jwks !== undefined && jwksUri !== undefined) throw refused('it has both jwks and jwks_uri.')
  if (method === 'private_key_jwt' && jwks === undefined && jwksUri === undefined) {
    throw refused('a private_key_jwt client publishes its keys in jwks or jwks_uri.')
  }
  if (
    jwks !== undefined &&
    (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as ClientKeySet).keys))
  ) {
    throw refused('jwks must be a JWK set.')
  }
  return {
    name: optionalString(fields, 'client_name') ?? url.host,
    type: method === 'none' ? 'public' : 'confidential',
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    grantTypes,
    redirectUris: fields.redirect_uris,
    // Without a scope of its own, the client may ask for any scope the server defines, and must name them.
    scopes: scope ?? config.scopes.map((defined) => defined.name),
    defaultScopes: scope ?? [],
    ...(jwks === undefined ? {} : { jwks: jwks as ClientKeySet }),
    ...(jwksUri === undefined ? {} : { jwks: { jwksUri } }),
  }
}

/**
 * The client a metadata document describes, fetched (or taken from the HTTP cache) and validated: the operator's
 * policy, the draft's client identifier and metadata rules, then exactly the checks `keyward clients create` applies. Any failure is
 * `invalid_client`, with the reason.
 */
export async function metadataDocumentClient(clientId: string, deps: MetadataDocumentDeps): Promise<Client> {
  const url = clientIdUrl(clientId)
  if (!allowedByPolicy(url, deps.config.clientIdMetadataDocuments)) {
    throw new InvalidClient(
      deps.config.clientIdMetadataDocuments === 'off'
        ? 'This server does not accept client ID metadata documents: use a registered client_id.'
        : `This server does not accept clients from ${url.host}.`,
    )
  }
  let document: unknown
  try {
    // CIMD, client information discovery: the server MUST NOT follow redirects for the document.
    document = await deps.fetch.json(clientId, { followRedirects: false })
  } catch (error) {
    if (error instanceof OutboundFetchError) throw refused(error.message, error)
    throw error
  }
  const registration = registrationIn(document, clientId, url, deps.config)
  try {
    return describedClient(registration, clientId, deps)
  } catch (error) {
    if (error instanceof ClientRegistrationError) throw refused(error.problems.join(' '), error)
    throw error
  }
}
