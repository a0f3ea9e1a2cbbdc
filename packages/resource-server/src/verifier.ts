import { createRemoteJWKSet, type RemoteJWKSet } from 'jose'
import type { AccessToken } from './access-token.ts'
import { accessTokenFrom, JWT_REQUIRED_CLAIMS } from './claims.ts'
import { discover, type IssuerMetadata } from './discovery.ts'
import { refuseBoundToken } from './dpop.ts'
import { InsufficientScopeError, InvalidTokenError, IssuerError } from './errors.ts'
import { introspect } from './introspection.ts'
import { isJws, verifyJwt } from './jwt.ts'
import { onceUntilFailure } from './once.ts'
import { resolveSettings, type Settings, type VerifierOptions } from './options.ts'
import { type ResourceMetadata, resolveResourceMetadata } from './resource-metadata.ts'
import { createTtlCache, type TtlCache } from './ttl-cache.ts'

/** Holds the settings and the caches (metadata, JWKS, introspection answers) that outlive one request. */
export interface Verifier {
  readonly settings: Settings
  readonly metadata: () => Promise<IssuerMetadata>
  readonly keys: () => Promise<RemoteJWKSet>
  readonly introspected: TtlCache<AccessToken> | undefined
  /** RFC 9728 metadata, when the options publish it. */
  readonly resourceMetadata?: ResourceMetadata
}

const INTROSPECTION_CACHE_ENTRIES = 10_000

/** Create once per issuer and audience, and share: the JWKS cache and its refetch cooldown live here. */
export function createVerifier(options: VerifierOptions): Verifier {
  const settings = resolveSettings(options)
  const metadata = onceUntilFailure(() => discover(settings))
  const keys = onceUntilFailure(async () => {
    const jwksUri = settings.jwksUri ?? (await metadata()).jwksUri
    if (jwksUri === undefined) throw new IssuerError('the issuer metadata has no jwks_uri')
    // jose refetches on an unknown kid, at most once per cooldown, so a flood of forged kids cannot hammer the issuer
    return createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: settings.jwksCooldownMs,
      cacheMaxAge: settings.jwksMaxAgeMs,
      timeoutDuration: settings.timeoutMs,
    })
  })
  const introspected =
    settings.introspectionCacheTtl > 0 ? createTtlCache<AccessToken>(INTROSPECTION_CACHE_ENTRIES) : undefined
  const published = options.resourceMetadata
  return {
    settings,
    metadata,
    keys,
    introspected,
    ...(published === undefined
      ? {}
      : { resourceMetadata: resolveResourceMetadata(settings.audience, settings.issuer, published) }),
  }
}

async function viaIntrospection(token: string, verifier: Verifier): Promise<AccessToken> {
  const { settings } = verifier
  const client = settings.introspection
  if (client === undefined) throw new InvalidTokenError('the access token is not a JWT access token')
  const nowMs = settings.clock.now().getTime()
  const cached = verifier.introspected?.get(token, nowMs)
  if (cached !== undefined) return cached
  const endpoint = client.endpoint ?? (await verifier.metadata()).introspectionEndpoint
  if (endpoint === undefined) throw new IssuerError('the issuer metadata has no introspection_endpoint')
  const accessToken = accessTokenFrom(await introspect(token, endpoint, client, settings.timeoutMs), settings)
  const untilMs = Math.min(nowMs + settings.introspectionCacheTtl * 1000, accessToken.expiresAt.getTime())
  verifier.introspected?.set(token, accessToken, untilMs)
  return accessToken
}

/** Validates a token as issued (signature or introspection, and claims); how it was presented is the caller's. */
export async function validate(token: string, verifier: Verifier): Promise<AccessToken> {
  const { settings } = verifier
  if (settings.introspect === 'always' || !isJws(token)) return viaIntrospection(token, verifier)
  return accessTokenFrom(await verifyJwt(token, verifier.keys, settings), settings, JWT_REQUIRED_CLAIMS)
}

/**
 * Validates a bearer token and checks it carries every required scope. A DPoP-bound token is refused: its
 * proof is checked by the middleware (guard), which sees the request.
 * Throws InvalidTokenError or InsufficientScopeError (RFC 6750 §3.1), or IssuerError when the issuer fails.
 */
export async function verifyAccessToken(
  token: string,
  verifier: Verifier,
  requiredScopes: readonly string[] = [],
): Promise<AccessToken> {
  const accessToken = await validate(token, verifier)
  refuseBoundToken(accessToken)
  requireScopes(accessToken, requiredScopes)
  return accessToken
}

/** Throws InsufficientScopeError unless the token carries every required scope. */
export function requireScopes(accessToken: AccessToken, requiredScopes: readonly string[]): void {
  if (!requiredScopes.every((scope) => accessToken.scopes.includes(scope))) {
    // RFC 6750 §3: scope names what the resource requires
    throw new InsufficientScopeError(requiredScopes.join(' '))
  }
}
