import type { Config } from '../config.ts'
import type { Clock } from '../clock.ts'
import type { AccessTokenFormat } from '../model/client.ts'
import type { Resource } from '../model/resource.ts'
import { resourceIdentifierProblem } from './identifier.ts'

/** The longest access token lifetime a resource may ask for: the server-wide setting's own bound. */
export const MAX_RESOURCE_TOKEN_LIFETIME = 24 * 60 * 60

export interface ResourceRegistration {
  readonly identifier: string
  readonly name: string
  readonly scopes: readonly string[]
  readonly accessTokenFormat?: AccessTokenFormat
  /** Seconds. */
  readonly accessTokenLifetime?: number
  readonly serveMetadata?: boolean
}

export class ResourceRegistrationError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(problems.join('\n'))
    this.problems = problems
  }
}

/**
 * Where Keyward serves a resource's RFC 9728 metadata: §3.1 puts it at the resource's origin, under
 * /.well-known/oauth-protected-resource followed by the resource's path. Keyward can answer there only for a
 * resource on the issuer's own origin, with a path, when the issuer itself has none (Keyward then owns the
 * origin's /.well-known/); null for any other resource.
 */
export function metadataPathOf(identifier: string, issuer: string): string | null {
  if (!URL.canParse(identifier)) return null
  const resource = new URL(identifier)
  const server = new URL(issuer)
  if (resource.origin !== server.origin || server.pathname !== '/' || resource.search !== '') return null
  if (resource.pathname === '/' || identifier !== `${resource.origin}${resource.pathname}`) return null
  return `/.well-known/oauth-protected-resource${resource.pathname}`
}

function registrationProblems(registration: ResourceRegistration, config: Config): string[] {
  const problems: string[] = []
  const identifierProblem = resourceIdentifierProblem(registration.identifier)
  if (identifierProblem !== null) problems.push(`The identifier ${identifierProblem}`)
  if (registration.name.trim() === '')
    problems.push('The resource needs a name: people see it on the consent page.')
  const known = new Set(config.scopes.map((scope) => scope.name))
  for (const scope of registration.scopes) {
    if (!known.has(scope)) problems.push(`The scope ${scope} is not defined in the server configuration.`)
  }
  const lifetime = registration.accessTokenLifetime
  if (
    lifetime !== undefined &&
    (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > MAX_RESOURCE_TOKEN_LIFETIME)
  ) {
    problems.push(
      `The access token lifetime is a whole number of seconds from 1 to ${MAX_RESOURCE_TOKEN_LIFETIME}.`,
    )
  }
  if (
    registration.serveMetadata === true &&
    metadataPathOf(registration.identifier, config.issuer) === null
  ) {
    problems.push(
      `Keyward can serve the metadata only of a resource with a path on its own origin (${new URL(config.issuer).origin}/...), without a query, and only when the issuer has no path: serve it from the resource server instead (@keyward/resource-server does).`,
    )
  }
  return problems
}

/** A new resource from a registration, or every reason it cannot be one. */
export function registerResource(
  registration: ResourceRegistration,
  deps: { config: Config; clock: Clock },
): Resource {
  const problems = registrationProblems(registration, deps.config)
  if (problems.length > 0) throw new ResourceRegistrationError(problems)
  return {
    identifier: registration.identifier,
    name: registration.name.trim(),
    scopes: [...new Set(registration.scopes)],
    accessTokenFormat: registration.accessTokenFormat ?? null,
    accessTokenLifetime: registration.accessTokenLifetime ?? null,
    serveMetadata: registration.serveMetadata ?? false,
    createdAt: deps.clock.now(),
  }
}
