import type { CoreContext } from '../context.ts'
import type { Consent } from '../model/consent.ts'
import type { SecurityEvent } from '../ports/events.ts'

/** A person's approval of scopes for a client, and where they gave it from. */
export interface ConsentGiven {
  readonly userId: string
  readonly clientId: string
  readonly scope: readonly string[]
  /** The resources (RFC 8707) the person saw named; empty: the server's own. */
  readonly resources: readonly string[]
  /** The address of the person's browser. */
  readonly address: string
}

/** Remembers that the user approved these scopes for this client, adding to what they approved before. */
export async function rememberConsent(
  given: ConsentGiven,
  ctx: Pick<CoreContext, 'stores' | 'clock' | 'events'>,
): Promise<void> {
  const { userId, clientId, scope, resources } = given
  const now = ctx.clock.now()
  const previous = await ctx.stores.consents.get(userId, clientId)
  const consent: Consent = {
    userId,
    clientId,
    scope: [...new Set([...(previous?.scope ?? []), ...scope])],
    resources: [...new Set([...(previous?.resources ?? []), ...resources])],
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  }
  await ctx.stores.consents.put(consent)
  ctx.events.emit(consentGranted(given))
}

/** The event of a consent given, on the consent page or the device approval page. */
export function consentGranted(given: ConsentGiven): SecurityEvent {
  const { userId, clientId, scope, resources, address } = given
  return {
    event: 'consent_granted',
    clientId,
    userId,
    address,
    scope: scope.join(' '),
    ...(resources.length === 0 ? {} : { resource: resources.join(' ') }),
  }
}
