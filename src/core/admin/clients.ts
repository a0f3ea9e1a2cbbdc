import {
  type ClientRegistration,
  clientProblems,
  ClientRegistrationError,
  confirmSectorIdentifier,
  newClientSecret,
  type RegistrationOptions,
  registerClient,
} from '../client-registration.ts'
import type { CoreContext } from '../context.ts'
import type { Client } from '../model/client.ts'
import { CLIENT_CREDENTIALS } from '../protocol/grant-types.ts'
import { ADMIN_READ, ADMIN_SCOPE_DEFINITIONS, ADMIN_WRITE } from './scopes.ts'

/** Registers a client. The secret of a confidential client is returned once, here; only its digest is kept. */
export async function createClient(
  registration: ClientRegistration,
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events' | 'fetch'>,
  options: RegistrationOptions = {},
): Promise<{ client: Client; secret: string | null }> {
  const registered = registerClient(registration, ctx, options)
  await confirmSectorIdentifier(registered.client, ctx)
  const unknown = await unregisteredResources(registered.client.defaultResources, ctx)
  if (unknown.length > 0) {
    throw new ClientRegistrationError(
      unknown.map((identifier) => ({
        message: `The default resource ${identifier} is not registered: keyward resources create.`,
        aboutRedirectUris: false,
      })),
    )
  }
  await ctx.stores.clients.create(registered.client)
  ctx.events.emit({ event: 'client_created', clientId: registered.client.id })
  return registered
}

async function unregisteredResources(
  identifiers: readonly string[],
  ctx: Pick<CoreContext, 'stores'>,
): Promise<readonly string[]> {
  const found = await Promise.all(identifiers.map((identifier) => ctx.stores.resources.get(identifier)))
  return identifiers.filter((_, index) => found[index] === null)
}

/** The logout settings an operator may change on a registered client (absent: unchanged). */
export type ClientLogoutChanges = Partial<
  Pick<Client, 'postLogoutRedirectUris' | 'backchannelLogoutUri' | 'backchannelLogoutSessionRequired'>
>

/**
 * Changes a client's logout settings (RP-Initiated Logout 1.0 §3.1, Back-Channel Logout 1.0 §2.2), checked as
 * registration checks them; the client as it is now.
 */
export async function changeClientLogout(
  client: Client,
  changes: ClientLogoutChanges,
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'events'>,
): Promise<Client> {
  const changed: Client = { ...client, ...changes, updatedAt: ctx.clock.now() }
  // A lint error the client already has was accepted when it was made (`clients create --force`): only what the
  // change brings refuses it.
  const accepted = new Set(clientProblems(client, ctx.config).map((problem) => problem.message))
  const problems = clientProblems(changed, ctx.config).filter((problem) => !accepted.has(problem.message))
  if (problems.length > 0) throw new ClientRegistrationError(problems)
  await ctx.stores.clients.update(changed)
  ctx.events.emit({ event: 'client_updated', clientId: client.id })
  return changed
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
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events'>,
): Promise<string> {
  if (client.type !== 'confidential') throw new Error(`${client.id} is a public client: it has no secret.`)
  // A client_secret_jwt client's new secret is sealed again (architecture §5).
  const { secret, secretDigest, encryptedSecret } = newClientSecret(client.tokenEndpointAuthMethod, ctx)
  await ctx.stores.clients.update({ ...client, secretDigest, encryptedSecret, updatedAt: ctx.clock.now() })
  ctx.events.emit({ event: 'client_secret_rotated', clientId: client.id })
  return secret
}

/**
 * Registers a client of the admin API (`keyward admin create-client`): confidential, client_credentials only, with
 * the admin scopes, which no other registration may give (config.ts reserves them). Its tokens carry the
 * server's own audience. The secret is returned once.
 */
export function createAdminClient(
  name: string,
  access: { readonly write: boolean },
  ctx: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random' | 'events' | 'fetch'>,
): Promise<{ client: Client; secret: string | null }> {
  const scopes = access.write ? [ADMIN_READ, ADMIN_WRITE] : [ADMIN_READ]
  const registration: ClientRegistration = {
    name,
    type: 'confidential',
    grantTypes: [CLIENT_CREDENTIALS],
    redirectUris: [],
    scopes,
    defaultScopes: scopes,
  }
  // Defined here and only here: the registration checks every scope against this configuration.
  const config = { ...ctx.config, scopes: [...ctx.config.scopes, ...ADMIN_SCOPE_DEFINITIONS] }
  return createClient(registration, { ...ctx, config })
}
