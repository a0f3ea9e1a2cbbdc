import { findClient } from '../clients/find-client.ts'
import type { CoreContext } from '../context.ts'
import { InvalidClient, TemporarilyUnavailable } from '../errors.ts'
import type { Client } from '../model/client.ts'
import type { ThrottlePolicy } from '../ports/throttle.ts'
import { attemptSource } from '../protocol/address.ts'
import { matchesDigest } from '../protocol/digest.ts'
import { tooManyAttempts } from '../refusal.ts'
import { verifySecretAssertion } from './client-secret-jwt.ts'
import { type ClientAuthInput, type PresentedCredentials, presentedCredentials } from './credentials.ts'
import { type AssertionDeps, verifyClientAssertion } from './private-key-jwt.ts'

/** Finds a client by id (`findClient`: the client store, which caches on the server, or a metadata document). */
export type ClientLookup = (id: string) => Promise<Client | null>

/** What client authentication needs: the clients, the throttle and the security events. */
export type ClientAuthDeps = Pick<CoreContext, 'stores' | 'throttle' | 'events'> & AssertionDeps

/** Failed client authentications from one address: 20 a minute, then it waits for the rest of that minute. */
export const CLIENT_AUTH_POLICY: ThrottlePolicy = { limit: 20, windowSeconds: 60 }

/** Longer client ids are never looked up (nor logged whole): no client has one. */
const MAX_CLIENT_ID_LENGTH = 255

/**
 * Client secrets are 256-bit random values, which no rate of guessing finds: the throttle only sheds the load of
 * wrong ones. So while its store cannot answer, clients authenticate unthrottled rather than not at all.
 */
async function unlessUnavailable<T>(work: Promise<T>, fallback: T): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (error instanceof TemporarilyUnavailable) return fallback
    throw error
  }
}

/**
 * Authenticates the client of a token, revocation, introspection or device authorization request.
 * Confidential clients prove themselves with the method they registered: a secret (Basic or post, RFC 6749
 * §2.3.1) or a signed assertion (RFC 7523); public clients only name themselves.
 * Failures are counted per address; over the limit, requests from there wait (429) before any lookup.
 */
export async function authenticateClient(input: ClientAuthInput, deps: ClientAuthDeps): Promise<Client> {
  const throttleKey = `client-auth:${attemptSource(input.address)}`
  const wait = await unlessUnavailable(deps.throttle.waitFor(throttleKey), 0)
  const presented = await presentedCredentials(input)
  const event = { address: input.address, clientId: presented.clientId.slice(0, MAX_CLIENT_ID_LENGTH) }
  if (wait > 0) {
    deps.events.emit({ event: 'client_authentication_throttled', ...event })
    throw tooManyAttempts('Too many failed client authentications from this address.', wait)
  }
  try {
    return await verifyClient(presented, deps)
  } catch (error) {
    if (error instanceof InvalidClient) {
      deps.events.emit({ event: 'client_authentication_failed', ...event })
      // Counted after the check, which keeps the hot path to one read: a burst sent at once may all be checked.
      await unlessUnavailable(deps.throttle.take(throttleKey, CLIENT_AUTH_POLICY), undefined)
    }
    throw error
  }
}

async function verifyClient(presented: PresentedCredentials, deps: ClientAuthDeps): Promise<Client> {
  const usedBasic = presented.method === 'client_secret_basic'
  const client =
    presented.clientId.length <= MAX_CLIENT_ID_LENGTH ? await findClient(presented.clientId, deps) : null
  // Built only on failure: an Error captures a stack trace, too costly for every successful request.
  const failure = () => new InvalidClient('Client authentication failed.', usedBasic)
  if (client === null) throw failure()

  if (presented.method === 'none') {
    // A confidential client must authenticate (RFC 6749 §3.2.1); naming it is not enough.
    if (client.type !== 'public') throw failure()
    return client
  }
  if (client.type === 'public') {
    throw new InvalidClient(
      'This client is public: it has no secret and authenticates with client_id alone.',
      usedBasic,
    )
  }
  // RFC 7591 §2: a client uses the method it registered and no other, so that a key client's proof cannot be
  // replaced by a guessable secret, nor a Basic client's by credentials in a logged form body.
  if (presented.method !== client.tokenEndpointAuthMethod) {
    throw new InvalidClient(
      `This client authenticates with ${client.tokenEndpointAuthMethod}, not ${presented.method}.`,
      usedBasic,
    )
  }
  if (presented.method === 'private_key_jwt') {
    await verifyClientAssertion(presented.assertion, client, deps)
    return client
  }
  if (presented.method === 'client_secret_jwt') {
    await verifySecretAssertion(presented.assertion, client, deps)
    return client
  }
  if (client.secretDigest === null) throw failure()
  if (!matchesDigest(presented.secret, client.secretDigest)) throw failure()
  return client
}
