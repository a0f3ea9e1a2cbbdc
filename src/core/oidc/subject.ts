import { createHmac, hkdfSync } from 'node:crypto'
import type { CoreContext } from '../context.ts'
import type { Client, SubjectType } from '../model/client.ts'

/** OpenID Connect Core §8: the subject identifier types a client may register. */
export const SUBJECT_TYPES = ['public', 'pairwise'] as const satisfies readonly SubjectType[]

/**
 * OpenID Connect Core §8.1: the sector identifier of a pairwise client: the host of its `sector_identifier_uri`
 * when it registered one (checked at registration to list every redirect URI, `sector-identifier.ts`), else the
 * one host of its redirect URIs. Clients of one sector see the same pairwise `sub`.
 */
export function sectorIdentifier(
  client: Pick<Client, 'redirectUris' | 'sectorIdentifierUri'>,
): string | null {
  if (client.sectorIdentifierUri !== null) return URL.parse(client.sectorIdentifierUri)?.hostname ?? null
  const hosts = new Set(client.redirectUris.map((uri) => URL.parse(uri)?.hostname ?? ''))
  const [host] = hosts
  return hosts.size === 1 && host !== undefined && host !== '' ? host : null
}

/** Why a pairwise client has no sector identifier, or null when it has one (registration checks it). */
export function sectorIdentifierProblem(
  client: Pick<Client, 'redirectUris' | 'sectorIdentifierUri'>,
): string | null {
  if (sectorIdentifier(client) !== null) return null
  // Core §8.1: with redirect URIs on several hosts, the provider needs a sector_identifier_uri.
  return client.redirectUris.length === 0
    ? 'A pairwise client needs redirect URIs or a sector_identifier_uri: its host is the sector its sub values are computed for (OpenID Connect Core §8.1).'
    : 'A pairwise client with redirect URIs on more than one host needs a sector_identifier_uri listing them all: its host is the sector its sub values are computed for (OpenID Connect Core §8.1).'
}

/** The key of pairwise identifiers, derived from the configured secret (the secret itself keys nothing directly). */
function pairwiseKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'keyward', 'pairwise subject v1', 32))
}

/**
 * The `sub` a client sees for the person whose local id is `localId` (Core §8): that id for a public client; for
 * a pairwise one an HMAC-SHA-256 of its sector and the local id under a key derived from the secret (§8.1 allows
 * any such non-reversible, stable function). The same on every node and after every restart, for as long as
 * the configured secret stays the same; different per sector, so clients on two hosts cannot correlate a person.
 */
export function subjectFor(
  client: Pick<Client, 'subjectType' | 'redirectUris' | 'sectorIdentifierUri'>,
  localId: string,
  secret: string,
): string {
  if (client.subjectType === 'public') return localId
  const sector = sectorIdentifier(client)
  // Registration refuses a pairwise client without a sector, so this is a client changed behind its back.
  if (sector === null)
    throw new Error(`A pairwise client has no sector identifier: ${sectorIdentifierProblem(client)}`)
  // The NUL separates the two so that no (sector, id) pair can be spelled as another.
  return createHmac('sha256', pairwiseKey(secret)).update(`${sector}\0${localId}`).digest('base64url')
}

/**
 * The `sub` of a stored token's person as its client sees it, for the endpoints that find a token first
 * (UserInfo, introspection); null when the client is gone (its tokens went with it).
 */
export async function subjectForClientId(
  clientId: string,
  localId: string,
  deps: Pick<CoreContext, 'config' | 'stores'>,
): Promise<string | null> {
  const client = await deps.stores.clients.get(clientId)
  return client === null ? null : subjectFor(client, localId, deps.config.secret)
}

/**
 * Whether `sub`, from an ID token issued to `client` (an id_token_hint), names the person whose local id is
 * `localId`: a pairwise sub is matched by computing it again, never reversed. Without a known client, only a
 * public sub can match.
 */
export function subjectNames(client: Client | null, sub: string, localId: string, secret: string): boolean {
  return sub === (client === null ? localId : subjectFor(client, localId, secret))
}
