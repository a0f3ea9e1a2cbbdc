import type { CoreContext } from '../context.ts'
import type { Browser } from '../endpoints/authorize.ts'
import { ENDPOINT_PATHS } from '../endpoints/metadata.ts'
import { InvalidRequest, OAuthError } from '../errors.ts'
import type { Client } from '../model/client.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import type { HiddenFields } from '../model/pages.ts'
import type { Session } from '../model/session.ts'
import { pickParameters } from '../protocol/params.ts'
import { errorPageResult, pageResult } from '../results.ts'
import { findSession } from '../sessions.ts'
import { notifySessionsEnded } from './backchannel-logout.ts'
import { type IdTokenHint, verifiedIdTokenHint } from './id-token-hint.ts'
import { subjectNames } from './subject.ts'

/**
 * OpenID Connect RP-Initiated Logout 1.0 §2: the parameters of a logout request, carried through the confirmation
 * form unchanged. `logout_hint` and `ui_locales` are accepted without effect: the page asks the person anyway,
 * in English.
 */
export const LOGOUT_PARAMETERS = [
  'id_token_hint',
  'logout_hint',
  'client_id',
  'post_logout_redirect_uri',
  'state',
  'ui_locales',
] as const

/** The name of the confirmation form's button that signs the person out; any other answer keeps them in. */
export const SIGN_OUT_DECISION = 'sign_out'

/** A logout request whose hint, client and return address have been checked. */
interface LogoutRequest {
  /** The client the request comes from: its client_id, or the audience of its hint. */
  readonly client: Client | null
  readonly hint: IdTokenHint | null
  readonly postLogoutRedirectUri: string | null
  readonly state: string | null
}

type LogoutDeps = CoreContext

/**
 * RP-Initiated Logout 1.0 §2 and §3: an id_token_hint must be an ID token Keyward issued, a client_id beside it
 * one of its audience, and a post_logout_redirect_uri exactly one the client registered. Every failure is an
 * error page: nothing is redirected to an address not known to be the client's.
 */
async function validateLogoutRequest(
  params: ReadonlyMap<string, string>,
  deps: LogoutDeps,
): Promise<LogoutRequest> {
  const hintValue = params.get('id_token_hint')
  const clientId = params.get('client_id')
  const hint = hintValue === undefined ? null : await verifiedIdTokenHint(hintValue, deps)
  if (hintValue !== undefined && hint === null) {
    throw new InvalidRequest('The id_token_hint is not an ID token issued by this server.')
  }
  // §2: when both are sent, the client_id must be one the ID token was issued to.
  if (clientId !== undefined && hint !== null && !hint.audience.includes(clientId)) {
    throw new InvalidRequest('The id_token_hint was not issued to this client_id.')
  }
  const namedClient = clientId ?? (hint?.audience.length === 1 ? hint.audience[0] : undefined)
  const client = namedClient === undefined ? null : await deps.stores.clients.get(namedClient)
  if (clientId !== undefined && client === null) throw new InvalidRequest('The client_id is not known.')
  const postLogoutRedirectUri = params.get('post_logout_redirect_uri') ?? null
  if (postLogoutRedirectUri !== null) {
    // §3: the client must be identified (client_id or id_token_hint) for its registration to be checked.
    if (client === null) {
      throw new InvalidRequest('A post_logout_redirect_uri needs a client_id or an id_token_hint.')
    }
    // §3.1: the value MUST exactly match one of the client's registered post_logout_redirect_uris.
    if (!client.postLogoutRedirectUris.includes(postLogoutRedirectUri)) {
      throw new InvalidRequest('The post_logout_redirect_uri is not registered for this client.')
    }
  }
  return { client, hint, postLogoutRedirectUri, state: params.get('state') ?? null }
}

/** The logout request's own parameters, as the confirmation form carries them. */
function logoutFields(params: ReadonlyMap<string, string>): HiddenFields {
  return pickParameters(params, LOGOUT_PARAMETERS)
}

/** Validates the request, then runs `work` with it; an invalid one gets an error page, never a redirect. */
async function withValidLogoutRequest(
  params: ReadonlyMap<string, string>,
  deps: LogoutDeps,
  work: (request: LogoutRequest) => Promise<EndpointResult>,
): Promise<EndpointResult> {
  let request: LogoutRequest
  try {
    request = await validateLogoutRequest(params, deps)
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    return errorPageResult(error, 'This sign-out link is not valid')
  }
  return work(request)
}

/**
 * RP-Initiated Logout 1.0 §3: back to the client's post_logout_redirect_uri with its state, or, with nowhere to
 * return to, a page that says whether the person is signed out.
 */
function finish(request: LogoutRequest, signedOut: boolean, sessionEnded: boolean): EndpointResult {
  const ended = sessionEnded ? { sessionEnded: true } : {}
  if (request.postLogoutRedirectUri === null) {
    return { ...pageResult({ view: 'logout-done', model: { signedOut } }), ...ended }
  }
  const url = new URL(request.postLogoutRedirectUri)
  if (request.state !== null) url.searchParams.set('state', request.state)
  return { kind: 'redirect', location: url.toString(), ...ended }
}

/**
 * Ends the browser's session: its row goes (the cookie with it, through the result), the event says who signed
 * out from which client, and every client signed in through it is told over the back channel.
 */
async function signOut(
  session: Session,
  request: LogoutRequest,
  browser: Browser,
  deps: LogoutDeps,
): Promise<void> {
  await deps.stores.sessions.delete(session.digest)
  deps.events.emit({
    event: 'signed_out',
    userId: session.userId,
    address: browser.address,
    reason: 'rp_initiated',
    ...(request.client === null ? {} : { clientId: request.client.id }),
  })
  await notifySessionsEnded([session], deps)
}

/** How the logout request came: in the query of a GET, or the form of a POST. */
export type LogoutRequestMethod = 'GET' | 'POST'

/**
 * GET or POST at the end_session_endpoint (RP-Initiated Logout 1.0 §2). §2 lets the OP skip the question only
 * when the id_token_hint belongs to the current session: its sid is this session's. Otherwise the person is
 * asked, on a page of Keyward's own whose form carries the CSRF token. With no session, nothing is to end; but a
 * POST from the client's site comes without the SameSite=Lax session cookie, so a POST that shows no session is
 * sent on as the same request by GET, a top-level navigation that carries the cookie.
 */
export function endSession(
  params: ReadonlyMap<string, string>,
  method: LogoutRequestMethod,
  browser: Browser,
  deps: LogoutDeps,
): Promise<EndpointResult> {
  return withValidLogoutRequest(params, deps, async (request) => {
    const session = await findSession(browser.sessionId, deps)
    if (session === null && method === 'POST') {
      const query = new URLSearchParams(logoutFields(params))
      return { kind: 'redirect', location: `${deps.config.issuer}${ENDPOINT_PATHS.endSession}?${query}` }
    }
    if (session === null) return finish(request, true, false)
    if (
      request.hint?.sid === session.sid &&
      subjectNames(request.client, request.hint.subject, session.userId, deps.config.secret)
    ) {
      await signOut(session, request, browser, deps)
      return finish(request, true, true)
    }
    const user = await deps.people.find(session.userId)
    return pageResult({
      view: 'logout-confirm',
      model: {
        action: ENDPOINT_PATHS.logoutConfirmation,
        ...(request.client === null ? {} : { clientName: request.client.name }),
        username: user?.username ?? '',
        hiddenFields: logoutFields(params),
      },
    })
  })
}

/**
 * The confirmation form was posted (with its CSRF token, checked by the HTTP layer): the request is checked again,
 * as a form carries anything, then the person is signed out or stays signed in, and returns to the client.
 */
export function confirmLogout(
  form: ReadonlyMap<string, string>,
  browser: Browser,
  deps: LogoutDeps,
): Promise<EndpointResult> {
  const params = new Map(Object.entries(logoutFields(form)))
  return withValidLogoutRequest(params, deps, async (request) => {
    const session = await findSession(browser.sessionId, deps)
    if (session === null) return finish(request, true, false)
    if (form.get('decision') !== SIGN_OUT_DECISION) return finish(request, false, false)
    await signOut(session, request, browser, deps)
    return finish(request, true, true)
  })
}
