/**
 * An asymmetric key that signs access tokens (ES256 or EdDSA, as configured) or ID tokens (RS256, OpenID Connect
 * Discovery §3). Its private part is stored encrypted (architecture §5).
 */
export interface SigningKey {
  readonly kid: string
  readonly alg: 'ES256' | 'EdDSA' | 'RS256'
  /** Public JWK, published in the JWKS while any token it signed may still be valid. */
  readonly publicJwk: Readonly<Record<string, unknown>>
  /** The private JWK, encrypted with the key-encryption key from config (AES-256-GCM, base64url). */
  readonly encryptedPrivateJwk: string
  readonly createdAt: Date
  /** Set when a newer key took over signing; the key stays published until retiredAt + max token lifetime. */
  readonly retiredAt: Date | null
  /** After this the key is gone from the JWKS. */
  readonly publishUntil: Date | null
}
