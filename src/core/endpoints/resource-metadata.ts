import type { CoreContext } from '../context.ts'
import { InvalidRequest } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import type { Resource } from '../model/resource.ts'
import { metadataPathOf } from '../resources/registration.ts'
import { errorResult } from '../results.ts'

/** RFC 9728 §2: what Keyward says of a registered resource on its behalf. */
function protectedResourceMetadata(resource: Resource, issuer: string): Record<string, unknown> {
  return {
    resource: resource.identifier,
    authorization_servers: [issuer],
    // RFC 6750 §2.1: Keyward's resource-server library reads the Authorization header only.
    bearer_methods_supported: ['header'],
    scopes_supported: resource.scopes,
    resource_name: resource.name,
  }
}

/**
 * RFC 9728 §3.1 at the issuer's origin: the metadata of the registered resource whose path follows the
 * well-known name, for a resource the operator registered with --serve-metadata; 404 for any other path.
 */
export async function resourceMetadata(
  path: string,
  deps: Pick<CoreContext, 'config' | 'stores'>,
): Promise<EndpointResult> {
  const { issuer } = deps.config
  const resource = (await deps.stores.resources.list()).find(
    (entry) => entry.serveMetadata && metadataPathOf(entry.identifier, issuer) === path,
  )
  if (resource === undefined) {
    return errorResult(
      new InvalidRequest('No protected resource metadata is published here.').withStatus(404),
    )
  }
  return {
    kind: 'json',
    status: 200,
    body: protectedResourceMetadata(resource, issuer),
    publicCacheSeconds: 300,
  }
}
