import type { CoreContext } from '../context.ts'
import type { Resource } from '../model/resource.ts'
import {
  type ResourceRegistration,
  ResourceRegistrationError,
  registerResource,
} from '../resources/registration.ts'

/** Registers a resource (an API) that tokens may be issued for (RFC 8707). */
export async function createResource(
  registration: ResourceRegistration,
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'events'>,
): Promise<Resource> {
  const resource = registerResource(registration, ctx)
  if ((await ctx.stores.resources.get(resource.identifier)) !== null) {
    throw new ResourceRegistrationError([`The resource ${resource.identifier} is registered already.`])
  }
  await ctx.stores.resources.create(resource)
  ctx.events.emit({ event: 'resource_created', resource: resource.identifier })
  return resource
}

/**
 * Deletes a resource, and takes it off the default resources of every client, in one transaction. Tokens issued
 * for it stay valid until they expire; a refresh of a grant that names it is refused (invalid_target).
 * Returns the clients it was taken from, or null when there is no such resource.
 */
export async function deleteResource(
  identifier: string,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'events'>,
): Promise<readonly string[] | null> {
  const changed = await ctx.stores.transaction(async (tx) => {
    if (!(await tx.resources.delete(identifier))) return null
    const defaulting = (await tx.clients.list()).filter((client) =>
      client.defaultResources.includes(identifier),
    )
    for (const client of defaulting) {
      await tx.clients.update({
        ...client,
        defaultResources: client.defaultResources.filter((entry) => entry !== identifier),
        updatedAt: ctx.clock.now(),
      })
    }
    return defaulting.map((client) => client.id)
  })
  if (changed !== null) ctx.events.emit({ event: 'resource_deleted', resource: identifier })
  return changed
}
