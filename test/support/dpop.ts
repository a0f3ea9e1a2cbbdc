import { createHash, randomUUID } from 'node:crypto'
import {
  calculateJwkThumbprint,
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose'

/** A client's DPoP key pair, its public JWK and that JWK's RFC 7638 thumbprint. */
export interface DpopKey {
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
  readonly jkt: string
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') }
}

/** What a proof says, and how its header may be spoiled by a test of a defect. */
export interface ProofOptions {
  readonly htm?: string
  readonly htu: string
  /** The access token the proof goes with: its hash becomes ath. */
  readonly accessToken?: string
  /** Seconds since the epoch; now by default. */
  readonly iat?: number
  readonly jti?: string
  /** Claims to add or replace (undefined removes one). */
  readonly claims?: JWTPayload
  readonly header?: { typ?: string; alg?: string; jwk?: JWK | undefined }
}

/** RFC 9449 §4.2: a DPoP proof, as a client makes one for each request. */
export async function dpopProof(key: DpopKey, options: ProofOptions): Promise<string> {
  const claims: JWTPayload = {
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(options.accessToken === undefined
      ? {}
      : { ath: createHash('sha256').update(options.accessToken).digest('base64url') }),
    ...options.claims,
  }
  const alg = options.header?.alg ?? 'ES256'
  const header = { typ: 'dpop+jwt', alg, jwk: key.publicJwk, ...options.header }
  return new SignJWT(claims).setProtectedHeader(header as never).sign(key.privateKey)
}
