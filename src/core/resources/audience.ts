import { defaultAudience } from '../config.ts'
import type { CoreContext } from '../context.ts'
import { InvalidScope, InvalidTarget, type OAuthError, refusalOf } from '../errors.ts'
import type { AccessTokenFormat, Client } from '../model/client.ts'
import type { Resource } from '../model/resource.ts'
import { resourceIdentifierProblem } from './identifier.ts'

/** Whom an access token is for, and the settings its resources ask of it. */
export interface Target {
  /** The registered resources targeted; empty: the server-wide audience. */
  readonly resources: readonly Resource[]
  /** The token's `aud`: the resources' identifiers, or the server-wide audience. */
  readonly audience: readonly string[]
  /** Of the scopes asked for, those another registered resource defines and no targeted one does. */
  readonly foreignScopes: ReadonlySet<string>
  /** The format the resources ask for; null: the client's. */
  readonly accessTokenFormat: AccessTokenFormat | null
  /** The shortest lifetime the resources ask for, in seconds; null: the client's or the server default. */
  readonly accessTokenLifetime: number | null
}

export interface TargetRequest {
  /** The request's `resource` values (RFC 8707 §2), as sent. */
  readonly requested: readonly string[]
  readonly client: Client
  /** The scopes the token is to carry, as resolved for the client: which of them fit the target is decided here. */
  readonly scope: readonly string[]
  /**
   * What the code, device code or grant being redeemed was authorized for; absent on a request that authorizes
   * afresh (authorization, device authorization, client credentials, password).
   */
  readonly authorized?: readonly string[]
}

/** The server-wide audience (`accessTokenAudience`, else the issuer): a token for no registered resource. */
export function serverTarget(config: CoreContext['config']): Target {
  return {
    resources: [],
    audience: [defaultAudience(config)],
    foreignScopes: new Set(),
    accessTokenFormat: null,
    accessTokenLifetime: null,
  }
}

/**
 * The one place the audience of an access token is decided (RFC 8707): from the request's `resource` values,
 * else what was authorized (a redemption) or the client's default resources (a fresh request), else the
 * server-wide audience. Every value must be an absolute URI naming a registered resource, and a redemption may
 * narrow what was authorized, never widen it; anything else is invalid_target.
 */
export async function decideTarget(
  request: TargetRequest,
  deps: Pick<CoreContext, 'config' | 'stores'>,
): Promise<Target> {
  const { requested, client, scope, authorized } = request
  for (const value of requested) {
    // RFC 8707 §2: the value must be an absolute URI without a fragment.
    const problem = resourceIdentifierProblem(value)
    if (problem !== null) throw new InvalidTarget(`The resource ${problem}`)
  }
  if (authorized !== undefined) {
    // RFC 8707 §2.2: a token request may name fewer resources than were authorized, never others.
    const widened = requested.filter((value) => !authorized.includes(value))
    if (widened.length > 0) {
      throw new InvalidTarget(
        `The resource ${widened.join(', ')} was not authorized for this grant: a token request may narrow the resources, never widen them.`,
      )
    }
  }
  const identifiers = requested.length > 0 ? requested : (authorized ?? client.defaultResources)
  if (identifiers.length === 0) return serverTarget(deps.config)

  // The token endpoint's hot path: one lookup by key per resource, and the whole list only when a scope asked
  // for is not one of the targeted resources' (then it must belong to no other resource).
  const resources: Resource[] = []
  for (const identifier of identifiers) {
    const resource = await deps.stores.resources.get(identifier)
    // RFC 8707 §2: an unknown resource is invalid_target.
    if (resource === null) throw new InvalidTarget(`The resource ${identifier} is not registered.`)
    resources.push(resource)
  }
  const targetedScopes = new Set(resources.flatMap((resource) => resource.scopes))
  const unclaimed = new Set(scope.filter((entry) => !targetedScopes.has(entry)))
  const foreignScopes =
    unclaimed.size === 0
      ? new Set<string>()
      : new Set(
          (await deps.stores.resources.list())
            .flatMap((resource) => resource.scopes)
            .filter((entry) => unclaimed.has(entry)),
        )
  const formats = new Set(resources.flatMap((resource) => resource.accessTokenFormat ?? []))
  if (formats.size > 1) {
    // RFC 8707 §2.2: one token for several resources only when they accept the same one.
    throw new InvalidTarget('These resources take different access token formats: request a token for each.')
  }
  const lifetimes = resources.flatMap((resource) => resource.accessTokenLifetime ?? [])
  return {
    resources,
    audience: identifiers,
    foreignScopes,
    accessTokenFormat: [...formats][0] ?? null,
    accessTokenLifetime: lifetimes.length === 0 ? null : Math.min(...lifetimes),
  }
}

/**
 * A request that authorizes afresh: every scope it asks for is one the targeted resources define, or one that no
 * registered resource defines (the server's own, OpenID Connect's).
 */
export function checkScopeFitsTarget(scope: readonly string[], target: Target): void {
  const foreign = scope.filter((entry) => target.foreignScopes.has(entry))
  if (foreign.length > 0) {
    throw new InvalidScope(
      `The scope ${foreign.join(' ')} belongs to a resource this request does not target: send its resource parameter.`,
    )
  }
}

/** A redemption that narrowed the resources: the token carries only the scopes that still fit them. */
export function scopeForTarget(scope: readonly string[], target: Target): readonly string[] {
  return scope.filter((entry) => !target.foreignScopes.has(entry))
}

/** The identifiers a grant, code or consent records: empty for the server-wide audience. */
export function targetedIdentifiers(target: Target): readonly string[] {
  return target.resources.map((resource) => resource.identifier)
}

/**
 * The target of a redemption (a code, a device code, a refresh token), decided inside the grant's transaction:
 * a refusal comes back as a value, so what the transaction wrote before it commits (errors.ts, refusalOf).
 */
export function redeemedTarget(
  request: TargetRequest & { readonly authorized: readonly string[] },
  deps: Pick<CoreContext, 'config' | 'stores'>,
): Promise<Target | OAuthError> {
  return decideTarget(request, deps).catch(refusalOf)
}
