import type { JWTPayload, JWTVerifyOptions } from 'jose'
import type { CoreContext } from '../context.ts'
import { ENDPOINT_PATHS } from '../endpoints/metadata.ts'
import { InvalidClient } from '../errors.ts'
import type { Client } from '../model/client.ts'

/** An assertion may live this long at most: it is a one-time proof, and its `jti` is remembered until it expires. */
const MAX_ASSERTION_LIFETIME_SECONDS = 10 * 60
/** Clocks of client and server may differ by this much. */
const CLOCK_TOLERANCE_SECONDS = 30

/** What the claim checks of every client assertion need: the issuer, the clock and the cache of used `jti`s. */
export type AssertionClaimDeps = Pick<CoreContext, 'config' | 'clock' | 'replay'>

/** Checks the signature with the client's key under `checks` (jose's), and returns the payload. */
export type AssertionSignatureCheck = (checks: JWTVerifyOptions) => Promise<JWTPayload>

/** An `InvalidClient` that says why the assertion was refused. */
export const assertionFailure = (why: string, cause?: unknown) =>
  new InvalidClient(`The client assertion is not valid: ${why}`, false, { cause })

/**
 * RFC 7523 §3: the audiences an assertion may name. The issuer (as FAPI 2.0 and RFC 7523 §3 item 3 allow) or the
 * URL of an endpoint that authenticates clients (OpenID Connect Core §9 names the token endpoint's).
 */
function audiences(issuer: string): string[] {
  const { token, revocation, introspection, deviceAuthorization } = ENDPOINT_PATHS
  return [
    issuer,
    ...[token, revocation, introspection, deviceAuthorization].map((path) => `${issuer}${path}`),
  ]
}

/**
 * RFC 7523 §3 and OpenID Connect Core §9, for private_key_jwt and client_secret_jwt alike (only the key
 * differs): the assertion is signed with one of `algorithms`, is issued by and about the client, names this
 * server, has not expired, lives at most 10 minutes, and its `jti` is used once.
 */
export async function verifyAssertion(
  client: Client,
  algorithms: readonly string[],
  checkSignature: AssertionSignatureCheck,
  deps: AssertionClaimDeps,
): Promise<void> {
  let payload: JWTPayload
  try {
    payload = await checkSignature({
      issuer: client.id,
      subject: client.id,
      audience: audiences(deps.config.issuer),
      algorithms: [...algorithms],
      currentDate: deps.clock.now(),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'jti'],
    })
  } catch (error) {
    const problem = await assertionProblem(error, algorithms)
    if (problem !== undefined) throw assertionFailure(problem, error)
    throw error
  }
  const now = deps.clock.now().getTime() / 1000
  const exp = payload.exp ?? 0
  if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw assertionFailure(`it must expire within ${MAX_ASSERTION_LIFETIME_SECONDS} seconds.`)
  }
  // RFC 7523 §3 item 7: the jti is remembered until the assertion could no longer be accepted anyway.
  const ttl = exp - now + CLOCK_TOLERANCE_SECONDS
  if (!(await deps.replay.claimOnce(`client-assertion:${client.id}:${String(payload.jti)}`, ttl))) {
    throw assertionFailure('its jti was used already.')
  }
}

/**
 * A clear reason for a client developer, from jose's error (client assertions and request objects alike), or
 * undefined for an error that is not jose's. jose is imported here rather than at the top (issue #14): only a
 * client's JWT brings it, and by then it is loaded.
 */
export async function assertionProblem(
  error: unknown,
  algorithms: readonly string[],
): Promise<string | undefined> {
  const { errors } = await import('jose')
  if (!(error instanceof errors.JOSEError)) return undefined
  if (error instanceof errors.JWTExpired) return 'it has expired.'
  if (error instanceof errors.JWTClaimValidationFailed)
    return `its ${error.claim} claim ${error.reason === 'missing' ? 'is missing' : 'is wrong'}.`
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return 'its signature does not match a registered key.'
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return `sign it with one of ${algorithms.join(', ')}.`
  return 'it is malformed.'
}
