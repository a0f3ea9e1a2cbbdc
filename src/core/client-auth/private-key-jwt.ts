import { createLocalJWKSet, errors, type JSONWebKeySet, jwtVerify } from 'jose'
import type { CoreContext } from '../context.ts'
import type { InvalidClient } from '../errors.ts'
import type { Client, ClientKeys } from '../model/client.ts'
import { OutboundFetchError } from '../ports/fetch.ts'
import { type AssertionClaimDeps, assertionFailure, verifyAssertion } from './assertion.ts'

/** The algorithms a client may sign its assertions with: asymmetric only, never `none` or an HMAC. */
export const ASSERTION_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const

/**
 * What checking an assertion needs: the issuer and clock, the cache of `jti`s already used, and the outbound
 * fetch for keys a client publishes at its `jwks_uri`.
 */
export type AssertionDeps = AssertionClaimDeps & Pick<CoreContext, 'fetch'>

/**
 * RFC 7523 §3 (and OpenID Connect Core §9): the assertion is signed by one of the client's registered keys; its
 * claims are checked as every client assertion's (`verifyAssertion`).
 */
export async function verifyClientAssertion(
  assertion: string,
  client: Client,
  deps: AssertionDeps,
): Promise<void> {
  const failed = assertionFailure
  const keys = client.jwks
  if (keys === null) throw failed('the client has no registered keys.')
  await verifyAssertion(
    client,
    ASSERTION_ALGORITHMS,
    async (checks) => {
      const verify = async (refresh: boolean) =>
        (await jwtVerify(assertion, createLocalJWKSet(await keySet(keys, refresh, failed, deps)), checks))
          .payload
      try {
        return await verify(false)
      } catch (error) {
        // A key the cached set lacks may be new: the set is fetched again, at most once per the cache's minimum age.
        if (!(error instanceof errors.JWKSNoMatchingKey) || !('jwksUri' in keys)) throw error
        return await verify(true)
      }
    },
    deps,
  )
}

/** The client's keys: registered with it, or fetched from its jwks_uri through the outbound-fetch port (cached). */
async function keySet(
  keys: ClientKeys,
  refresh: boolean,
  failed: (why: string, cause?: unknown) => InvalidClient,
  deps: AssertionDeps,
): Promise<JSONWebKeySet> {
  if ('keys' in keys) return { keys: [...keys.keys] } as JSONWebKeySet
  let document: unknown
  try {
    document = await deps.fetch.json(keys.jwksUri, { refresh })
  } catch (error) {
    if (error instanceof OutboundFetchError)
      throw failed(`its keys could not be fetched: ${error.message}`, error)
    throw error
  }
  const published = (document as { keys?: unknown } | null)?.keys
  if (!Array.isArray(published) || !published.every((key) => typeof key === 'object' && key !== null)) {
    throw failed('its jwks_uri does not hold a JWK set.')
  }
  return { keys: published } as JSONWebKeySet
}
