import { type DpopJtiCache, memoryJtiCache } from './dpop.ts'
import type { IssuerError } from './errors.ts'
import type { ResourceMetadataOptions } from './resource-metadata.ts'
import { secureUrl } from './secure-url.ts'

/** The client credentials the resource server uses at the introspection endpoint (RFC 7662 §2.1). */
export interface IntrospectionClient {
  readonly clientId: string
  readonly clientSecret: string
  /** Defaults to the issuer metadata's `introspection_endpoint` (RFC 8414). */
  readonly endpoint?: string
}

export interface VerifierOptions {
  /** The authorization server's issuer identifier; `iss` must equal it exactly. */
  readonly issuer: string
  /** This resource server's identifier; `aud` must contain it. */
  readonly audience: string
  /** Accepted JWS algorithms. Default `['ES256', 'EdDSA']`. */
  readonly algorithms?: readonly string[]
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 5. */
  readonly clockTolerance?: number
  /** Defaults to the issuer metadata's `jwks_uri` (RFC 8414), discovered once. */
  readonly jwksUri?: string
  /** Seconds after a JWKS fetch before an unknown `kid` may trigger another fetch. Default 30. */
  readonly jwksCooldown?: number
  /** Seconds a fetched JWKS is used before it is fetched again. Default 600. */
  readonly jwksMaxAge?: number
  /** Credentials for RFC 7662 introspection; without them opaque tokens are refused. */
  readonly introspection?: IntrospectionClient
  /** `'opaque'` (default): introspect only tokens that are not JWTs. `'always'`: introspect every token. */
  readonly introspect?: 'opaque' | 'always'
  /** Seconds to reuse a positive introspection answer; a revoked token stays accepted that long. Default 0 (off). */
  readonly introspectionCacheTtl?: number
  /** Seconds to wait for the issuer's metadata, JWKS or introspection endpoint. Default 5. */
  readonly timeout?: number
  /** Realm named in `WWW-Authenticate` challenges (RFC 6750 §3). Default: the audience. */
  readonly realm?: string
  /** Source of the current time for claim checks. Default: the system clock. */
  readonly clock?: { now(): Date }
  /** Told when the issuer cannot be reached or answers wrongly; the middleware then answers 503. */
  readonly onIssuerError?: (error: IssuerError) => void
  /**
   * Publish RFC 9728 protected resource metadata for this API (its identifier is the audience): served by the
   * resourceMetadata* handlers, and named in every WWW-Authenticate challenge (`resource_metadata`).
   */
  readonly resourceMetadata?: ResourceMetadataOptions
  /** RFC 9449 DPoP-bound tokens: how their proofs are checked. */
  readonly dpop?: DpopOptions
}

/** How proofs of DPoP-bound tokens are checked (RFC 9449 §7). */
export interface DpopOptions {
  /**
   * This API's public origin, e.g. `https://api.example.com`, which proofs name in htu. Default: the request's
   * Host, with https (http on loopback).
   */
  readonly origin?: string
  /** Accepted proof algorithms. Default `['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']`. */
  readonly algorithms?: readonly string[]
  /** Seconds a proof stays acceptable after its iat. Default 120. */
  readonly maxAge?: number
  /** Where the jti of accepted proofs is kept; share one (Redis, say) between instances. Default: in memory. */
  readonly jtiCache?: DpopJtiCache
}

interface DpopSettings {
  readonly origin: string | undefined
  readonly algorithms: readonly string[]
  readonly maxAge: number
  readonly jtiCache: DpopJtiCache
}

export interface Settings {
  readonly issuer: string
  readonly audience: string
  readonly algorithms: readonly string[]
  readonly clockTolerance: number
  readonly jwksUri: string | undefined
  readonly jwksCooldownMs: number
  readonly jwksMaxAgeMs: number
  readonly introspection: IntrospectionClient | undefined
  readonly introspect: 'opaque' | 'always'
  readonly introspectionCacheTtl: number
  readonly timeoutMs: number
  readonly realm: string
  readonly clock: { now(): Date }
  readonly onIssuerError: ((error: IssuerError) => void) | undefined
  readonly dpop: DpopSettings
}

const systemClock = { now: () => new Date() }

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0)
    throw new TypeError(`${name} must be a non-negative number of seconds`)
  return value
}

function dpopSettings(options: DpopOptions): DpopSettings {
  if (options.origin !== undefined && secureUrl('dpop.origin', options.origin).origin !== options.origin) {
    throw new TypeError(
      `dpop.origin must be an origin alone, like https://api.example.com: ${options.origin}`,
    )
  }
  const algorithms = options.algorithms ?? ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']
  if (algorithms.length === 0) throw new TypeError('dpop.algorithms must name at least one algorithm')
  return {
    origin: options.origin,
    algorithms,
    maxAge: seconds('dpop.maxAge', options.maxAge, 120),
    jtiCache: options.jtiCache ?? memoryJtiCache(),
  }
}

/** Fails at start-up on a setting that would make every request fail or verify less than asked. */
export function resolveSettings(options: VerifierOptions): Settings {
  secureUrl('issuer', options.issuer)
  if (options.audience === '') throw new TypeError('audience must not be empty')
  const algorithms = options.algorithms ?? ['ES256', 'EdDSA']
  if (algorithms.length === 0) throw new TypeError('algorithms must name at least one algorithm')
  if (options.jwksUri !== undefined) secureUrl('jwksUri', options.jwksUri)
  if (options.introspection?.endpoint !== undefined) {
    secureUrl('introspection.endpoint', options.introspection.endpoint)
  }
  const introspect = options.introspect ?? 'opaque'
  if (introspect === 'always' && options.introspection === undefined) {
    throw new TypeError("introspect: 'always' needs the introspection client credentials")
  }
  return {
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    clockTolerance: seconds('clockTolerance', options.clockTolerance, 5),
    jwksUri: options.jwksUri,
    jwksCooldownMs: seconds('jwksCooldown', options.jwksCooldown, 30) * 1000,
    jwksMaxAgeMs: seconds('jwksMaxAge', options.jwksMaxAge, 600) * 1000,
    introspection: options.introspection,
    introspect,
    introspectionCacheTtl: seconds('introspectionCacheTtl', options.introspectionCacheTtl, 0),
    timeoutMs: Math.round(seconds('timeout', options.timeout, 5) * 1000),
    realm: options.realm ?? options.audience,
    clock: options.clock ?? systemClock,
    onIssuerError: options.onIssuerError,
    dpop: dpopSettings(options.dpop ?? {}),
  }
}
