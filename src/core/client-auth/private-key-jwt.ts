import type { JSONWebKeySet, JWTPayload, JWTVerifyOptions } from 'jose'
import type { CoreContext } from '../context.ts'
import type { Client, ClientKeys } from '../model/client.ts'
import { OutboundFetchError } from '../ports/fetch.ts'
import { type AssertionClaimDeps, assertionFailure, assertionProblem, verifyAssertion } from './assertion.ts'

/**
 * The algorithms a client may sign its assertions and request objects with: asymmetric only, never `none` or an
 * HMAC.
 */
export const ASSERTION_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const

/** Clocks of client and server may differ by this much. */
const CLOCK_TOLERANCE_SECONDS = 30

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
  await verifyAssertion(
    client,
    ASSERTION_ALGORITHMS,
    (checks) => verifyWithClientKeys(assertion, client, checks, assertionFailure, deps),
    deps,
  )
}

/** What a JWT signed by a client must also satisfy: its claims and header, as jose checks them. */
export type ClientJwtChecks = Omit<JWTVerifyOptions, 'algorithms' | 'currentDate'>

/**
 * A JWT signed by one of the client's keys (registered, or published at its jwks_uri), with an asymmetric
 * algorithm, checked against `checks` on the server's clock: the payload, or `failed` with a reason a client
 * developer can act on. Client assertions (RFC 7523) and request objects (RFC 9101) are both checked here.
 */
export async function verifyWithClientKeys<Failure extends Error>(
  jwt: string,
  client: Client,
  checks: ClientJwtChecks,
  failed: (why: string, cause?: unknown) => Failure,
  deps: Pick<CoreContext, 'clock' | 'fetch'>,
): Promise<JWTPayload> {
  const keys = client.jwks
  if (keys === null) throw failed('the client has no registered keys.')
  // jose is loaded at the first JWT a client signs, not at start: its modules cost every `keyward start` time
  // and memory (issue #14), and most servers never see such a JWT.
  const { createLocalJWKSet, errors, jwtVerify } = await import('jose')
  const verify = async (refresh: boolean) =>
    (
      await jwtVerify(jwt, createLocalJWKSet(await keySet(keys, refresh, failed, deps)), {
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...checks,
        algorithms: [...ASSERTION_ALGORITHMS],
        currentDate: deps.clock.now(),
      })
    ).payload
  try {
    try {
      return await verify(false)
    } catch (error) {
      // A key the cached set lacks may be new: the set is fetched again, at most once per the cache's minimum age.
      if (!(error instanceof errors.JWKSNoMatchingKey) || !('jwksUri' in keys)) throw error
      return await verify(true)
    }
  } catch (error) {
    const problem = await assertionProblem(error, ASSERTION_ALGORITHMS)
    if (problem !== undefined) throw failed(problem, error)
    throw error
  }
}

/** The client's keys: registered with it, or fetched from its jwks_uri through the outbound-fetch port (cached). */
async function keySet(
  keys: ClientKeys,
  refresh: boolean,
  failed: (why: string, cause?: unknown) => Error,
  deps: Pick<CoreContext, 'fetch'>,
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
