import { InvalidClient } from '../errors.ts'
import type { Client } from '../model/client.ts'
import { matchesDigest } from '../protocol/digest.ts'
import { type ClientAuthInput, presentedCredentials } from './credentials.ts'

/** Finds a client by id; the server passes its cached lookup. */
export type ClientLookup = (id: string) => Promise<Client | null>

/**
 * Authenticates the client of a token, revocation, introspection or device authorization request.
 * Confidential clients prove a secret (Basic or post, RFC 6749 §2.3.1); public clients only name themselves.
 */
export async function authenticateClient(input: ClientAuthInput, findClient: ClientLookup): Promise<Client> {
  const presented = presentedCredentials(input)
  const usedBasic = presented.method === 'client_secret_basic'
  const client = presented.clientId.length <= 255 ? await findClient(presented.clientId) : null
  // Built only on failure: an Error captures a stack trace, too costly for every successful request.
  const failure = () => new InvalidClient('Client authentication failed.', usedBasic)
  if (client === null) throw failure()

  if (presented.method === 'none') {
    // A confidential client must authenticate (RFC 6749 §3.2.1); naming it is not enough.
    if (client.type !== 'public') throw failure()
    return client
  }
  if (client.type === 'public' || client.secretDigest === null) {
    throw new InvalidClient(
      'This client is public: it has no secret and authenticates with client_id alone.',
      usedBasic,
    )
  }
  if (!matchesDigest(presented.secret, client.secretDigest)) throw failure()
  return client
}
