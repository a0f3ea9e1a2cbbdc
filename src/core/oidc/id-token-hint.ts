import type { CoreContext } from '../context.ts'
import { ID_TOKEN_ALGORITHMS } from '../tokens/signing-keys.ts'
import { ownJwtClaims } from '../tokens/own-jwt.ts'

/** What an `id_token_hint` says, once its signature shows Keyward issued it. */
export interface IdTokenHint {
  readonly subject: string
  readonly audience: readonly string[]
  /** The session it was issued in; absent from ID tokens issued without a browser session. */
  readonly sid: string | null
}

/**
 * An ID token this issuer signed (OpenID Connect Core §3.1.2.1 `id_token_hint`; RP-Initiated Logout 1.0 §2), or
 * null. Its expiry is not judged: an RP sends the ID token it holds, often long expired (RP-Initiated Logout §4).
 */
export async function verifiedIdTokenHint(
  hint: string,
  deps: Pick<CoreContext, 'config' | 'clock' | 'keys'>,
): Promise<IdTokenHint | null> {
  const claims = await ownJwtClaims(hint, { typ: 'JWT', algorithms: ID_TOKEN_ALGORITHMS }, deps)
  if (claims === null || typeof claims.sub !== 'string') return null
  const audience = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? [])
  if (audience.length === 0) return null
  return { subject: claims.sub, audience, sid: typeof claims.sid === 'string' ? claims.sid : null }
}
