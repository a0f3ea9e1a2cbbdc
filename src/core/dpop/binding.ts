import { InvalidDpopProof } from '../errors.ts'

/**
 * RFC 9449 §5 and §10: a refresh token or code bound to a key is redeemed only with a proof by that key: the
 * error when it is not (returned, so a grant's transaction still commits), or null.
 */
export function sameKeyProblem(
  bound: string | null,
  presented: string | null,
  what: string,
): InvalidDpopProof | null {
  if (bound === null || bound === presented) return null
  return new InvalidDpopProof(
    presented === null
      ? `The ${what} is bound to a DPoP key: send a DPoP proof signed with that key.`
      : `The DPoP proof is signed with another key than the one the ${what} is bound to.`,
  )
}

/** RFC 9449 §5: the token_type of an access token bound to a key, or not. */
export function tokenTypeFor(jkt: string | null): 'Bearer' | 'DPoP' {
  return jkt === null ? 'Bearer' : 'DPoP'
}
