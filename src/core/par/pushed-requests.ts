import { AUTHORIZATION_PARAMETERS } from '../authorize/request.ts'
import type { Config } from '../config.ts'
import type { CoreContext } from '../context.ts'
import { InvalidRequest, InvalidRequestUri, type OAuthError } from '../errors.ts'
import type { Client } from '../model/client.ts'
import type { PushedRequest } from '../model/pushed-request.ts'
import { profileOf } from '../profiles/index.ts'
import { digest } from '../protocol/digest.ts'
import { randomToken } from '../random.ts'

/** RFC 9126 §2.2: every request_uri the PAR endpoint makes is this URN followed by a random value. */
export const PUSHED_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'

/**
 * How long, past its expiry, a pushed request stays usable by the sign-in and consent forms that follow its
 * arrival at /authorize: expires_in bounds how long the client takes to send the browser, not how long a person
 * takes to sign in.
 */
export const PUSHED_REQUEST_INTERACTION_SECONDS = 600

/** RFC 9126 §2.1: credentials authenticate the push; they are no part of the authorization request. */
const CLIENT_AUTHENTICATION_PARAMETERS = ['client_secret', 'client_assertion', 'client_assertion_type']

/** RFC 9126 §4: beside request_uri, an authorization request names only its client. */
const PUSHABLE_PARAMETERS = AUTHORIZATION_PARAMETERS.filter(
  (name) => name !== 'client_id' && name !== 'request_uri',
)

export const isPushedRequestUri = (value: string): boolean => value.startsWith(PUSHED_REQUEST_URI_PREFIX)

/** The authorization request of a push: every parameter but the client's credentials. */
export function pushedParameters(params: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries([...params].filter(([name]) => !CLIENT_AUTHENTICATION_PARAMETERS.includes(name)))
}

/** Keeps a validated pushed request; answers its request_uri (only its digest is stored) and lifetime. */
export async function storePushedRequest(
  client: Client,
  parameters: Record<string, string>,
  deps: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'random'>,
): Promise<{ readonly requestUri: string; readonly expiresIn: number }> {
  const requestUri = `${PUSHED_REQUEST_URI_PREFIX}${randomToken(deps.random)}`
  const now = deps.clock.now()
  const expiresIn = deps.config.lifetimes.pushedRequest
  await deps.stores.pushedRequests.create({
    digest: digest(requestUri),
    clientId: client.id,
    parameters,
    createdAt: now,
    expiresAt: new Date(now.getTime() + expiresIn * 1000),
    usedAt: null,
  })
  return { requestUri, expiresIn }
}

/** Where the parameters reach /authorize from: the client's redirect, or the forms of the pages after it. */
export type Arrival = 'redirect' | 'form'

/** An authorization request's parameters: as sent, or those of the pushed request its request_uri names. */
export type ResolvedParameters =
  | { readonly kind: 'sent' }
  | { readonly kind: 'pushed'; readonly params: ReadonlyMap<string, string>; readonly pushed: PushedRequest }
  /** Shown to the person: without the pushed request, where it should go back to is unknown. */
  | { readonly kind: 'refused'; readonly error: OAuthError }

/**
 * RFC 9126 §4: an authorization request with a PAR request_uri takes the pushed parameters, if that request_uri
 * was pushed by the client it names, is unused and unexpired. Any other request_uri is left to the validator,
 * which refuses it.
 */
export async function resolvePushedRequest(
  params: ReadonlyMap<string, string>,
  arrival: Arrival,
  deps: Pick<CoreContext, 'stores' | 'clock'>,
): Promise<ResolvedParameters> {
  const requestUri = params.get('request_uri')
  if (requestUri === undefined || !isPushedRequestUri(requestUri)) return { kind: 'sent' }
  const refused = (error: OAuthError) => ({ kind: 'refused', error }) as const
  const clientId = params.get('client_id')
  // RFC 9126 §4 (RFC 9101 §5): client_id is required beside request_uri.
  if (clientId === undefined)
    return refused(new InvalidRequest('The link is missing the client_id parameter.'))
  const pushed = await deps.stores.pushedRequests.get(digest(requestUri))
  const now = deps.clock.now().getTime()
  const grace = arrival === 'form' ? PUSHED_REQUEST_INTERACTION_SECONDS * 1000 : 0
  // RFC 9126 §4: an expired request_uri MUST be rejected; one that was used is refused too (used once).
  if (pushed === null || pushed.usedAt !== null || now >= pushed.expiresAt.getTime() + grace) {
    return refused(
      new InvalidRequestUri('This sign-in link has expired or was used already: go back and start again.'),
    )
  }
  if (pushed.clientId !== clientId) {
    return refused(new InvalidRequest('The request_uri was pushed by another application.'))
  }
  // RFC 9126 §4 with RFC 9101 §6.3: the pushed parameters are the request. One repeated beside them with the same
  // value (as OpenID Connect Core §6.1 asks of response_type and scope) is harmless; another value is refused.
  const mixed = PUSHABLE_PARAMETERS.filter(
    (name) => params.has(name) && params.get(name) !== pushed.parameters[name],
  )
  if (mixed.length > 0) {
    return refused(
      new InvalidRequest(
        `${mixed.join(', ')} differ from the pushed request: send client_id and request_uri alone.`,
      ),
    )
  }
  return { kind: 'pushed', params: new Map(Object.entries(pushed.parameters)), pushed }
}

/** RFC 9126 §4: the request_uri is used once, when a response goes back to the client; a racer loses. */
export async function usePushedRequest(
  pushed: PushedRequest,
  deps: Pick<CoreContext, 'stores' | 'clock'>,
): Promise<void> {
  const used = await deps.stores.pushedRequests.consume(pushed.digest, deps.clock.now())
  if (used.kind !== 'ok') throw new InvalidRequestUri('This authorization request was completed already.')
}

/**
 * RFC 9126 §5 and §6: the server, the client's registration, or the client's security profile requires that
 * its authorization requests be pushed.
 */
export function requiresPushedRequests(client: Client, config: Config): boolean {
  return (
    config.requirePushedAuthorizationRequests ||
    client.requirePushedAuthorizationRequests ||
    profileOf(client)?.pushedRequestsRequired === true
  )
}
