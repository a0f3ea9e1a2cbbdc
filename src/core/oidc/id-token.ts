/**
 * The algorithm of every ID token: RS256, which Discovery 1.0 §3 requires providers to support and which OpenID
 * Connect Dynamic Client Registration §2 makes the default of `id_token_signed_response_alg`, so any relying
 * party validates it without being told. Access tokens keep the configured algorithm (ES256 or EdDSA).
 */
export const ID_TOKEN_SIGNING_ALGORITHM = 'RS256'

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
