import type { Client } from '../model/client.ts'
import { type OutboundFetch, OutboundFetchError } from '../ports/fetch.ts'

/** OpenID Connect Registration §2: sector_identifier_uri uses the https scheme. */
export function sectorIdentifierUriProblem(uri: string): string | null {
  return URL.parse(uri)?.protocol === 'https:'
    ? null
    : `The sector_identifier_uri ${uri} is not an https URL.`
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
