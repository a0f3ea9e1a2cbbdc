import { sign } from 'node:crypto'
import type { ActiveKey } from './signing-keys.ts'

/**
 * Signs a JWT with node:crypto directly: synchronous signing costs a fraction of jose's WebCrypto path, and
 * this is the hot path of client credentials. Verification (resource servers, introspection) uses jose.
 */
export function signJwt(payload: Readonly<Record<string, unknown>>, key: ActiveKey, typ: string): string {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString('base64url')
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const input = `${header}.${body}`
  // The KeyObject is passed bare: an options object ({ key, dsaEncoding }) makes Node re-read the key on every
  // call and doubles the cost, so the DER signature is converted here instead.
  const signature =
    key.alg === 'ES256'
      ? derToRawSignature(sign('sha256', Buffer.from(input), key.privateKey), 32)
      : // RS256 (RFC 7518 §3.3): RSASSA-PKCS1-v1_5, Node's default padding for an RSA key.
        sign(key.alg === 'RS256' ? 'sha256' : null, Buffer.from(input), key.privateKey)
  return `${input}.${signature.toString('base64url')}`
}

/**
 * RFC 7518 §3.4: a JWS carries an ECDSA signature as R || S, each left-padded to the curve size, where
 * node:crypto produces DER: SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 §2.2.3).
 */
export function derToRawSignature(der: Buffer, size: number): Buffer {
  const raw = Buffer.alloc(2 * size)
  // A P-256 signature is at most 72 bytes, so the SEQUENCE length always fits in one byte.
  let offset = 2
  for (const at of [0, size]) {
    const length = der[offset + 1] ?? 0
    const value = der.subarray(offset + 2, offset + 2 + length)
    offset += 2 + length
    // DER adds a zero byte when the high bit is set; the raw form is unsigned and fixed-size, left-padded.
    const unsigned = value.length > size ? value.subarray(value.length - size) : value
    unsigned.copy(raw, at + size - unsigned.length)
  }
  return raw
}
