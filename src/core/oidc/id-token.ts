import { createHash } from 'node:crypto'
import { epochSeconds } from '../clock.ts'
import type { CoreContext } from '../context.ts'
import type { Client, IdTokenSigningAlgorithm } from '../model/client.ts'
import type { Authentication } from '../model/token.ts'
import { signJwt } from '../tokens/jwt.ts'
import { claimsOf } from './claims.ts'
import { subjectFor } from './subject.ts'

/** The claims of an ID token itself (Core §2, §3.1.3.6), before any claim about the person. */
export const ID_TOKEN_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'amr',
  'azp',
  'at_hash',
  'sid',
] as const

/**
 * Core §3.1.3.6 at_hash: the left half of the hash of the access token's ASCII octets, with the hash of the ID
 * token's `alg` (SHA-256 for RS256 and ES256; SHA-512 for EdDSA with Ed25519, whose signature hashes with it, as
 * relying parties such as oauth4webapi compute it), base64url-encoded.
 */
export function accessTokenHash(accessToken: string, alg: IdTokenSigningAlgorithm = 'RS256'): string {
  const hash = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest()
  return hash.subarray(0, hash.length / 2).toString('base64url')
}

/**
 * Core §5.5: the person's claims the authorization request's `claims` asked to have in the ID token, already
 * narrowed to what the granted scopes release (claims-request.ts); those the person does not have are left out.
 */
async function requestedClaims(
  authentication: Authentication,
  deps: Pick<CoreContext, 'people'>,
): Promise<Record<string, unknown>> {
  if (authentication.claims.length === 0) return {}
  const person = await deps.people.find(authentication.subject)
  if (person === null) return {}
  const claims = claimsOf(person)
  return Object.fromEntries(
    authentication.claims.flatMap((name) => (claims[name] === undefined ? [] : [[name, claims[name]]])),
  )
}

/**
 * OpenID Connect Core §2 and §3.1.3.7: an ID token for `client` about `authentication`, signed with the key
 * ring's key of the client's id_token_signed_response_alg (RS256 unless registered otherwise: signing-keys.ts
 * says why), naming the person by the sub the client sees (§8). It lives as long as the access token it comes
 * with. The person's claims are in it only when the request's `claims` asked (§5.5): Core §5.4 releases them at
 * UserInfo.
 */
export async function mintIdToken(
  request: { client: Client; authentication: Authentication; accessToken: string; expiresIn: number },
  deps: Pick<CoreContext, 'config' | 'clock' | 'keys' | 'people'>,
): Promise<string> {
  const { client, authentication, accessToken, expiresIn } = request
  const issuedAt = epochSeconds(deps.clock)
  const alg = client.idTokenSignedResponseAlg
  const optional = {
    auth_time: authentication.authTime && Math.floor(authentication.authTime.getTime() / 1000),
    nonce: authentication.nonce,
    sid: authentication.sid,
  }
  return signJwt(
    {
      iss: deps.config.issuer,
      sub: subjectFor(client, authentication.subject, deps.config.secret),
      aud: client.id,
      exp: issuedAt + expiresIn,
      iat: issuedAt,
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
      // RFC 8176 §2: every sign-in at Keyward is a password checked by the People port.
      amr: ['pwd'],
      // Core §2: the party the ID token was issued to.
      azp: client.id,
      at_hash: accessTokenHash(accessToken, alg),
      ...(await requestedClaims(authentication, deps)),
    },
    await deps.keys.idTokenKey(alg),
    'JWT',
  )
}
