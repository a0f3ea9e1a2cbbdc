import type { AuthorizationRequest } from '../authorize/request.ts'
import { AccessDenied, InvalidRequest, LoginRequired } from '../errors.ts'
import { type ClaimName, SCOPE_CLAIMS, scopeClaimNames } from './claims.ts'
import { checkRequestedAcr } from './acr.ts'
import { subjectFor } from './subject.ts'

/**
 * OpenID Connect Core §5.5: what a `claims` request parameter asks for, as Keyward uses it. The standard claims
 * requested for the ID token, which go into it (not only UserInfo) when the granted scopes cover them; and a
 * requested `sub` value (§5.5.1), which the person who signs in must have.
 */
export interface ClaimsRequest {
  readonly idToken: readonly ClaimName[]
  /** §5.5.1: the `sub` the client asked the ID token to be about, as the client sees it; null when none. */
  readonly subject: string | null
}

type Json = Readonly<Record<string, unknown>>
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** §5.5.1: a member's value is null, or an object whose `essential`, `value` and `values` have their types. */
function checkClaimRequest(member: string, claim: string, request: unknown): void {
  if (request === null) return
  const where = `claims.${member}.${claim}`
  if (!isObject(request)) throw new InvalidRequest(`${where} must be null or a JSON object (Core §5.5.1).`)
  if (request.essential !== undefined && typeof request.essential !== 'boolean') {
    throw new InvalidRequest(`${where}.essential must be true or false (Core §5.5.1).`)
  }
  if (request.values !== undefined && !Array.isArray(request.values)) {
    throw new InvalidRequest(`${where}.values must be a JSON array (Core §5.5.1).`)
  }
}

/** The members of `userinfo` or `id_token`, checked; an absent member asks for nothing. */
function membersOf(parsed: Json, member: 'userinfo' | 'id_token'): Json {
  const value = parsed[member]
  if (value === undefined) return {}
  if (!isObject(value)) throw new InvalidRequest(`claims.${member} must be a JSON object (Core §5.5).`)
  for (const [claim, request] of Object.entries(value)) checkClaimRequest(member, claim, request)
  return value
}

const STANDARD = new Set<string>(Object.values(SCOPE_CLAIMS).flat())

/**
 * Core §5.5: the `claims` parameter, a JSON object whose `userinfo` and `id_token` members name the claims asked
 * for; anything malformed is invalid_request. Members other than those two, and claims Keyward does not know, are
 * ignored (§5.5); an essential `acr` Keyward cannot achieve is refused (acr.ts). The `userinfo` member is
 * validated but changes nothing: UserInfo already releases every claim the granted scopes cover, and Keyward
 * releases no claim beyond them (the consent page shows scopes, not claims).
 */
export function parseClaimsRequest(value: string | undefined): ClaimsRequest | null {
  if (value === undefined) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new InvalidRequest('The claims parameter is not JSON (Core §5.5).')
  }
  if (!isObject(parsed)) throw new InvalidRequest('The claims parameter must be a JSON object (Core §5.5).')
  membersOf(parsed, 'userinfo')
  const idToken = membersOf(parsed, 'id_token')
  checkRequestedAcr(isObject(idToken.acr) ? idToken.acr : null)
  const sub = idToken.sub
  const subject = isObject(sub) && sub.value !== undefined ? sub.value : null
  if (subject !== null && typeof subject !== 'string') {
    throw new InvalidRequest('claims.id_token.sub.value must be a string (Core §5.5.1).')
  }
  return { idToken: Object.keys(idToken).filter((claim) => STANDARD.has(claim)) as ClaimName[], subject }
}

/**
 * The claims of a request's `id_token` member that go into its ID tokens: only those a granted scope releases
 * (Core §5.4), so that the person consented to each. An essential claim outside them is left out, which §5.5.1
 * allows ("not an error condition").
 */
export function idTokenClaimNames(request: ClaimsRequest | null, scope: readonly string[]): ClaimName[] {
  const covered = new Set(scopeClaimNames(scope))
  return (request?.idToken ?? []).filter((claim) => covered.has(claim))
}

/**
 * Core §5.5.1: with a `sub` value requested for the ID token, only that person may be answered, never whoever
 * else has a session: a prompt=none request gets login_required (§3.1.2.6), any other access_denied.
 */
export function assertRequestedSubject(
  request: Pick<AuthorizationRequest, 'claims' | 'client' | 'prompt'>,
  userId: string,
  secret: string,
): void {
  const requested = request.claims?.subject ?? null
  if (requested === null || requested === subjectFor(request.client, userId, secret)) return
  const description = 'The application asked for another person than the one signed in.'
  throw request.prompt.has('none') ? new LoginRequired(description) : new AccessDenied(description)
}
