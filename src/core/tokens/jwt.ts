import { sign } from 'node:crypto'
import type { ActiveKey } from './signing-keys.ts'

/**
 * Signs a JWT with node:crypto directly: synchronous signing costs a fraction of jose's WebCrypto path, and
 * this is the hot path of client credentials. Keyward verifies its own JWTs the same way (own-jwt.ts).
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

/**
 * The inverse of derToRawSignature: a JWS ECDSA signature (R || S) as the DER that node:crypto verifies with a bare
 * KeyObject (the `dsaEncoding: 'ieee-p1363'` option re-reads the key on every call: 30% slower, measured).
 */
export function rawToDerSignature(raw: Buffer): Buffer {
  const integer = (half: Buffer): Buffer => {
    let start = 0
    while (start < half.length - 1 && half[start] === 0) start++
    const value = half.subarray(start)
    // A set high bit would read as negative: DER adds a zero byte.
    const body = (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value
    return Buffer.concat([Buffer.from([0x02, body.length]), body])
  }
  const size = raw.length / 2
  const r = integer(raw.subarray(0, size))
  const s = integer(raw.subarray(size))
  // A P-256 signature is at most 72 bytes, so the SEQUENCE length always fits in one byte.
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s])
}
