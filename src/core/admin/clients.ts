import {
  type ClientRegistration,
  newClientSecret,
  type RegistrationOptions,
  registerClient,
} from '../client-registration.ts'
import type { CoreContext } from '../context.ts'
import type { Client } from '../model/client.ts'

/** Registers a client. The secret of a confidential client is returned once, here; only its digest is kept. */
export async function createClient(
  registration: ClientRegistration,
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events'>,
  options: RegistrationOptions = {},
): Promise<{ client: Client; secret: string | null }> {
  const registered = registerClient(registration, ctx, options)
  await ctx.stores.clients.create(registered.client)
  ctx.events.emit({ event: 'client_created', clientId: registered.client.id })
  return registered
}

/** Deletes a client with every code, grant and token issued to it; false when there is no such client. */
export async function deleteClient(
  clientId: string,
  ctx: Pick<CoreContext, 'stores' | 'events'>,
): Promise<boolean> {
  const deleted = await ctx.stores.clients.delete(clientId)
  if (deleted) ctx.events.emit({ event: 'client_deleted', clientId })
  return deleted
}

/** Gives a confidential client a new secret, returned once: the old one stops working at once. */
export async function rotateClientSecret(
  client: Client,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'random' | 'events'>,
): Promise<string> {
  if (client.type !== 'confidential') throw new Error(`${client.id} is a public client: it has no secret.`)
  const { secret, secretDigest } = newClientSecret(ctx.random)
  await ctx.stores.clients.update({ ...client, secretDigest, updatedAt: ctx.clock.now() })
  ctx.events.emit({ event: 'client_secret_rotated', clientId: client.id })
  return secret
}
