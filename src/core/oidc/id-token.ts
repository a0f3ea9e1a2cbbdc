import { createHash } from 'node:crypto'
import { epochSeconds } from '../clock.ts'
import type { CoreContext } from '../context.ts'
import type { Client, IdTokenSigningAlgorithm } from '../model/client.ts'
import type { Authentication } from '../model/token.ts'
import { signJwt } from '../tokens/jwt.ts'
import type { Config } from '../config.ts'
import type { StandardClaims } from '../model/person-claims.ts'
import { PASSWORD_ACR } from './acr.ts'
import { type ClaimName, claimsOf, pickClaims, scopeClaimNames } from './claims.ts'
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
  'acr',
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
 * The names of the person's claims an ID token carries. Those the request's `claims` asked for (Core §5.5),
 * already narrowed to what the granted scopes release (claims-request.ts); and, unless the operator keeps ID
 * tokens minimal, every claim the granted scopes release, as UserInfo does. Core §5.4 releases those at UserInfo
 * when an access token is issued; without one (response_type=id_token) they go into the ID token either way.
 */
function personClaimNames(
  request: { authentication: Authentication; scope: readonly string[]; accessToken: string | null },
  config: Config,
): Set<ClaimName> {
  const names = new Set(request.authentication.claims)
  if (config.openid.idTokenClaims === 'scopes' || request.accessToken === null) {
    for (const name of scopeClaimNames(request.scope)) names.add(name)
  }
  return names
}

/** The person's claims among `names`; those the person does not have are left out. */
async function personClaims(
  subject: string,
  names: ReadonlySet<ClaimName>,
  deps: Pick<CoreContext, 'people'>,
): Promise<Partial<StandardClaims>> {
  if (names.size === 0) return {}
  const person = await deps.people.find(subject)
  return person === null ? {} : pickClaims(claimsOf(person), names)
}

/**
 * OpenID Connect Core §2 and §3.1.3.7 (§3.2.2.10 in the implicit flow): an ID token for `client` about
 * `authentication`, signed with the key ring's key of the client's id_token_signed_response_alg (RS256 unless
 * registered otherwise: signing-keys.ts says why), naming the person by the sub the client sees (§8). It lives as
 * long as the access token it comes with, and carries its at_hash; `accessToken` is null for response_type=id_token.
 */
export async function mintIdToken(
  request: {
    client: Client
    authentication: Authentication
    /** The granted scope: which of the person's claims the ID token may carry (personClaimNames). */
    scope: readonly string[]
    accessToken: string | null
    expiresIn: number
  },
  deps: Pick<CoreContext, 'config' | 'clock' | 'keys' | 'people'>,
): Promise<string> {
  const { client, authentication, accessToken, expiresIn } = request
  const issuedAt = epochSeconds(deps.clock)
  const alg = client.idTokenSignedResponseAlg
  const optional = {
    auth_time: authentication.authTime && Math.floor(authentication.authTime.getTime() / 1000),
    nonce: authentication.nonce,
    sid: authentication.sid,
    at_hash: accessToken && accessTokenHash(accessToken, alg),
  }
  return signJwt(
    {
      iss: deps.config.issuer,
      sub: subjectFor(client, authentication.subject, deps.config.secret),
      aud: client.id,
      exp: issuedAt + expiresIn,
      iat: issuedAt,
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
      // Core §2: the one class Keyward authenticates with, whatever acr_values asked (acr.ts).
      acr: PASSWORD_ACR,
      // RFC 8176 §2: every sign-in at Keyward is a password checked by the People port.
      amr: ['pwd'],
      // Core §2: the party the ID token was issued to.
      azp: client.id,
      ...(await personClaims(authentication.subject, personClaimNames(request, deps.config), deps)),
    },
    await deps.keys.idTokenKey(alg),
    'JWT',
  )
}
