import type { Client } from '../model/client.ts'
import { type OutboundFetch, OutboundFetchError } from '../ports/fetch.ts'
import { DEVICE_CODE, PASSWORD } from '../protocol/grant-types.ts'

/** OpenID Connect Registration §2: sector_identifier_uri uses the https scheme. */
export function sectorIdentifierUriProblem(uri: string): string | null {
  return URL.parse(uri)?.protocol === 'https:'
    ? null
    : `The sector_identifier_uri ${uri} is not an https URL.`
}

/** Grants by which a person reaches a client without passing one of its redirect URIs (RFC 8628, RFC 6749 §4.3). */
const UNREDIRECTED_PERSON_GRANTS = [DEVICE_CODE, PASSWORD]

/**
 * Why a client that registers itself (RFC 7591, RFC 7592) cannot have the sector it asks for, or null. Only its
 * redirect URIs tie a client to its sector (Core §8.1: their host, or a sector_identifier_uri document listing
 * them, Registration §2). One with a sector_identifier_uri and no redirect URIs would pass against any document,
 * and a pairwise one with a grant that needs none (the device flow) receives ID tokens beside them: either gets
 * the pairwise `sub` values of whichever app's sector it named (Core §17.3). An operator who registers such a
 * client vouches for it instead.
 */
export function selfClaimedSectorProblem(
  client: Pick<Client, 'redirectUris' | 'sectorIdentifierUri' | 'grantTypes' | 'subjectType'>,
): string | null {
  if (client.sectorIdentifierUri !== null && client.redirectUris.length === 0) {
    return (
      'A client without redirect URIs cannot register a sector_identifier_uri: its document lists redirect URIs, ' +
      'so it names none of this client. Ask the operator to register it.'
    )
  }
  if (client.sectorIdentifierUri === null && client.subjectType !== 'pairwise') return null
  const unredirected = client.grantTypes.filter((grant) => UNREDIRECTED_PERSON_GRANTS.includes(grant))
  return unredirected.length === 0
    ? null
    : `A client with the ${unredirected.join(', ')} grant cannot register a pairwise sector (subject_type ` +
        'pairwise or a sector_identifier_uri): people reach it without its redirect URIs, which are all that ' +
        'ties it to the sector. Ask the operator to register it.'
}

/**
 * OpenID Connect Registration §2 (Core §8.1): the document at the client's sector_identifier_uri is a JSON array
 * of redirect URIs that must hold every one the client registers, or registration fails. Fetched through the
 * outbound-fetch port when the client is registered (a fresh copy: the client may just have changed it); null
 * when the client has no such URI or the document lists every redirect URI, else why not, fit for an
 * `error_description`.
 */
export async function sectorIdentifierDocumentProblem(
  client: Pick<Client, 'redirectUris' | 'sectorIdentifierUri'>,
  fetch: OutboundFetch,
): Promise<string | null> {
  const uri = client.sectorIdentifierUri
  if (uri === null) return null
  let document: unknown
  try {
    document = await fetch.json(uri, { refresh: true })
  } catch (error) {
    if (error instanceof OutboundFetchError)
      return `The sector_identifier_uri ${uri} could not be read: ${error.message}`
    throw error
  }
  if (!Array.isArray(document) || !document.every((entry) => typeof entry === 'string'))
    return `The sector_identifier_uri ${uri} must hold a JSON array of redirect URIs.`
  const listed = new Set(document)
  const missing = client.redirectUris.filter((redirectUri) => !listed.has(redirectUri))
  return missing.length === 0
    ? null
    : `The document at the sector_identifier_uri ${uri} does not list the redirect URIs ${missing.join(', ')}.`
}
