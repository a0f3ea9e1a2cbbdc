import { sign } from 'node:crypto'
import type { ActiveKey } from './signing-keys.ts'

/**
 * Signs a JWT with node:crypto directly. Synchronous signing costs about a third of jose's WebCrypto path, and
 * this is the hot path of client credentials; verification (resource servers, introspection) uses jose.
 */
export function signJwt(payload: Readonly<Record<string, unknown>>, key: ActiveKey, typ: string): string {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString('base64url')
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const input = `${header}.${body}`
  // RFC 7518 §3.4: ECDSA signatures are R || S, not DER.
  const signature = sign(key.alg === 'ES256' ? 'sha256' : null, Buffer.from(input), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  })
  return `${input}.${signature.toString('base64url')}`
}
