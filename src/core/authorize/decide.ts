import { ConsentRequired, LoginRequired } from '../errors.ts'
import type { Consent } from '../model/consent.ts'
import { isSubset } from '../protocol/scope.ts'
import { targetedIdentifiers } from '../resources/audience.ts'
import type { AuthorizationRequest } from './request.ts'

/** What the authorization endpoint does next for this request and this browser. */
export type NextStep = { readonly kind: 'login' } | { readonly kind: 'consent' } | { readonly kind: 'issue' }

export interface Situation {
  /** The signed-in user, if the browser has a live session. */
  readonly userId: string | null
  /** Seconds since that user last entered their password; absent or null without a session. */
  readonly sessionAge?: number | null
  /** True right after the person entered their password in this very interaction. */
  readonly freshLogin: boolean
  /** The user's remembered consent for this client, if any. */
  readonly consent: Consent | null
  /** The person an id_token_hint names, when the request has one (OpenID Connect Core §3.1.2.1). */
  readonly hintedUserId?: string | null
}

/**
 * Login, then consent, then the response. prompt=login (and select_account) and a session older than max_age
 * force a fresh login, prompt=consent forces the consent page, and prompt=none fails instead of showing either
 * (OpenID Connect Core §3.1.2.1, §3.1.2.6).
 */
export function nextStep(request: AuthorizationRequest, situation: Situation): NextStep {
  const { prompt, maxAge } = request
  const tooOld = maxAge !== null && (situation.sessionAge ?? 0) > maxAge
  // Core §3.1.2.1 id_token_hint: a session of someone else than the hinted person is no answer; they sign in.
  const otherPerson = (situation.hintedUserId ?? situation.userId) !== situation.userId
  // Core §3.1.2.1: unless the hinted person "is logged in by the request", the answer SHOULD be an error such as
  // login_required; one who just signed in as someone else (after "Not you?", say) gets no positive response.
  if (otherPerson && situation.freshLogin) {
    throw new LoginRequired('The person who signed in is not the one the id_token_hint names.')
  }
  const needsLogin =
    situation.userId === null || ((prompt.has('login') || tooOld || otherPerson) && !situation.freshLogin)
  if (needsLogin) {
    if (prompt.has('none')) throw new LoginRequired('The user is not signed in.')
    return { kind: 'login' }
  }
  const { consent } = situation
  // RFC 8707: a consent covers the resources the person saw; a request for another one asks again.
  const remembered =
    consent !== null &&
    isSubset(request.scope, consent.scope) &&
    isSubset(targetedIdentifiers(request.target), consent.resources)
  if (!remembered || prompt.has('consent')) {
    if (prompt.has('none'))
      throw new ConsentRequired('The user has not approved this application for this scope.')
    return { kind: 'consent' }
  }
  return { kind: 'issue' }
}
