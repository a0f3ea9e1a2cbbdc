import type { createLocalJWKSet, JWTPayload } from 'jose'
import type { CoreContext } from '../context.ts'
import type { JsonWebKeySet } from './signing-keys.ts'

// The JWKS object changes only when the key ring reloads, so its imported keys are reused until then.
const localKeySets = new WeakMap<JsonWebKeySet, ReturnType<typeof createLocalJWKSet>>()

/**
 * The claims of a JWT of type `typ` that this issuer signed with one of its published keys, or null. Expiry is
 * not judged here: revocation accepts expired access tokens, introspection reports them inactive, and logout
 * accepts an expired ID token as a hint.
 */
export async function ownJwtClaims(
  token: string,
  expected: { readonly typ: string; readonly algorithms?: readonly string[] },
  deps: Pick<CoreContext, 'config' | 'clock' | 'keys'>,
): Promise<JWTPayload | null> {
  // jose is loaded on the first JWT checked, not at start, where it would slow every start.
  const { createLocalJWKSet, jwtVerify } = await import('jose')
  const jwks = deps.keys.jwks()
  let keySet = localKeySets.get(jwks)
  if (!keySet) {
    keySet = createLocalJWKSet({ keys: jwks.keys as never })
    localKeySets.set(jwks, keySet)
  }
  try {
    const { payload } = await jwtVerify(token, keySet, {
      issuer: deps.config.issuer,
      typ: expected.typ,
      ...(expected.algorithms === undefined ? {} : { algorithms: [...expected.algorithms] }),
      currentDate: deps.clock.now(),
      clockTolerance: Number.MAX_SAFE_INTEGER,
    })
    return payload
  } catch {
    return null
  }
}
