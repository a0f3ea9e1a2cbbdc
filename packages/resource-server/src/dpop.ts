import { createHash } from 'node:crypto'
import { calculateJwkThumbprint, EmbeddedJWK, errors, type JWTPayload, jwtVerify } from 'jose'
import type { AccessToken } from './access-token.ts'
import { challenge, type ErrorResponse } from './challenge.ts'
import { type BearerError, InvalidDpopProofError, InvalidTokenError } from './errors.ts'
import type { Settings } from './options.ts'
import { createTtlCache } from './ttl-cache.ts'

// RFC 9449 §7: a token bound to a key (cnf.jkt) is accepted only as `Authorization: DPoP`, with a DPoP proof
// made by that key for this very request and this token.

/** Remembers the jti of each accepted proof while the proof could still be accepted (RFC 9449 §11.1). */
export interface DpopJtiCache {
  /** True the first time `key` is claimed within `ttlSeconds`; false for a replay. */
  claimOnce(key: string, ttlSeconds: number): boolean | Promise<boolean>
}

/** The request a proof must describe: its method, and its URL as the client called it (htu). */
export interface DpopRequest {
  readonly dpop: string | undefined
  readonly method: string
  readonly url: string
}

/** The URL a client called, for htu: the configured origin, else the Host with https (http on loopback). */
export function calledUrl(target: string, host: string | undefined, settings: Settings): string {
  const hostname = new URL(`http://${host ?? 'localhost'}`).hostname
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
  const origin = settings.dpop.origin ?? `${loopback ? 'http' : 'https'}://${host ?? 'localhost'}`
  return new URL(target, origin).href
}

/**
 * RFC 9449 §7.1: the DPoP challenge names the accepted algorithms. It is the Bearer challenge of the same error
 * under the DPoP scheme, so both always carry the same attributes.
 */
export function dpopChallenge(realm: string, error: BearerError, settings: Settings): ErrorResponse {
  const response = challenge(realm, error)
  const bearer = response.headers['www-authenticate'] ?? ''
  const algs = `algs="${settings.dpop.algorithms.join(' ')}"`
  return {
    ...response,
    headers: { ...response.headers, 'www-authenticate': bearer.replace(/^Bearer /, `DPoP ${algs}, `) },
  }
}

/** RFC 9449 §7.1: a request without credentials is told of both schemes this API takes. */
export function bothChallenges(bearer: ErrorResponse, settings: Settings): ErrorResponse {
  const response = bearer
  const algs = `algs="${settings.dpop.algorithms.join(' ')}"`
  return {
    ...response,
    headers: { 'www-authenticate': `${response.headers['www-authenticate']}, DPoP ${algs}` },
  }
}

/** RFC 9449 §7.1: credentials = "DPoP" 1*SP token68; undefined for any other scheme. */
export function dpopToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^dpop(?: |$)/i.test(authorization)) return undefined
  const match = /^DPoP +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization.trimEnd())
  if (match === null)
    throw new InvalidTokenError('the Authorization header is not a well-formed DPoP credential')
  return match[1]
}

/** An in-memory jti cache of bounded size: when full, the oldest proof is forgotten first. */
export function memoryJtiCache(maxEntries = 100_000): DpopJtiCache {
  const seen = createTtlCache<true>(maxEntries)
  return {
    claimOnce(key, ttlSeconds) {
      const nowMs = Date.now()
      if (seen.get(key, nowMs)) return false
      seen.set(key, true, nowMs + ttlSeconds * 1000)
      return true
    },
  }
}

/** The thumbprint of the key the token is bound to (RFC 9449 §6: cnf.jkt), or undefined for a bearer token. */
function boundKey(token: AccessToken): string | undefined {
  const cnf = token.claims.cnf
  if (typeof cnf !== 'object' || cnf === null) return undefined
  const { jkt } = cnf as { jkt?: unknown }
  return typeof jkt === 'string' ? jkt : undefined
}

/** RFC 9449 §7.2: a DPoP-bound token presented as a bearer token may be a stolen one. */
export function refuseBoundToken(accessToken: AccessToken): void {
  if (boundKey(accessToken) !== undefined) throw new DpopRequiredError()
}

/**
 * RFC 9449 §7: a token presented as Bearer must not be bound; one presented as DPoP must be bound to the key of
 * a valid proof for this request, whose ath is the token's hash.
 */
export async function checkSenderConstraint(
  token: string,
  accessToken: AccessToken,
  presentedAs: 'Bearer' | 'DPoP',
  request: DpopRequest,
  settings: Settings,
): Promise<void> {
  if (presentedAs === 'Bearer') return refuseBoundToken(accessToken)
  const jkt = boundKey(accessToken)
  if (jkt === undefined) throw new InvalidTokenError('the access token is not DPoP-bound; send it as Bearer')
  if (request.dpop === undefined) throw new InvalidDpopProofError('a DPoP proof is required')
  const proof = await verifyProof(request.dpop, request, settings)
  if (proof.jkt !== jkt)
    throw new InvalidDpopProofError('the DPoP proof is not signed by the key of the token')
  if (proof.ath !== createHash('sha256').update(token).digest('base64url')) {
    throw new InvalidDpopProofError('the ath of the DPoP proof is not the hash of the access token')
  }
}

/** RFC 9449 §7.2: refused as invalid_token, with a DPoP challenge that tells the client which scheme to use. */
export class DpopRequiredError extends InvalidTokenError {
  constructor() {
    super('the access token is DPoP-bound; send it as Authorization: DPoP with a DPoP proof')
  }
}

/** RFC 9449 §4.3 with §7: the proof's key thumbprint and ath, once its every other claim checks out. */
async function verifyProof(
  proof: string,
  request: DpopRequest,
  settings: Settings,
): Promise<{ jkt: string; ath: unknown }> {
  const { dpop } = settings
  // §4.3 items 1–2: one header holding one JWT (repeated headers arrive joined with a comma)
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(proof)) {
    throw new InvalidDpopProofError('send exactly one DPoP header holding one signed JWT')
  }
  let verified
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...dpop.algorithms],
      currentDate: settings.clock.now(),
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
    })
  } catch (cause) {
    // no I/O happens here: a failure, jose's or the key import's, is the proof's
    const reason = cause instanceof errors.JOSEError ? cause.message : 'its jwk does not fit its alg'
    throw new InvalidDpopProofError(`the DPoP proof is invalid: ${reason}`, { cause })
  }
  const { payload, protectedHeader } = verified
  const claims = payload as JWTPayload & { htm?: unknown; htu?: unknown; iat: number }
  if (claims.htm !== request.method)
    throw new InvalidDpopProofError(`the DPoP proof is not for ${request.method}`)
  if (typeof claims.htu !== 'string' || withoutQuery(claims.htu) !== withoutQuery(request.url)) {
    throw new InvalidDpopProofError(`the DPoP proof is not for ${withoutQuery(request.url)}`)
  }
  const now = settings.clock.now().getTime() / 1000
  if (claims.iat < now - dpop.maxAge || claims.iat > now + settings.clockTolerance) {
    throw new InvalidDpopProofError('the DPoP proof is too old or from the future')
  }
  if (typeof claims.jti !== 'string' || claims.jti.length > 256) {
    throw new InvalidDpopProofError('the jti of the DPoP proof is not a short string')
  }
  const jkt = await calculateJwkThumbprint(protectedHeader.jwk!, 'sha256')
  const ttl = claims.iat + dpop.maxAge + settings.clockTolerance - now
  if (!(await dpop.jtiCache.claimOnce(`${jkt}:${withoutQuery(request.url)}:${claims.jti}`, ttl))) {
    throw new InvalidDpopProofError('the DPoP proof was used already')
  }
  return { jkt, ath: claims.ath }
}

/** RFC 9449 §4.3 item 9: htu compares without query and fragment, after syntax-based normalization. */
function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.search = ''
    parsed.hash = ''
    return parsed.href
  } catch {
    return ''
  }
}
