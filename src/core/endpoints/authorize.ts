import { rememberConsent } from '../authorize/consent.ts'
import { nextStep } from '../authorize/decide.ts'
import { issueImplicitTokens } from '../authorize/implicit.ts'
import {
  AUTHORIZATION_PARAMETERS,
  type AuthorizationRequest,
  validateAuthorizationRequest,
} from '../authorize/request.ts'
import { errorResponse, implicitResponse, issueCode } from '../authorize/respond.ts'
import { findClient, keepClientRecord } from '../clients/find-client.ts'
import { isMetadataDocumentClientId } from '../clients/metadata-document.ts'
import type { CoreContext } from '../context.ts'
import { AccessDenied, InvalidRequest, OAuthError } from '../errors.ts'
import type { EndpointResult, StartedSession } from '../model/endpoint-result.ts'
import type { Client } from '../model/client.ts'
import type { AppHome, HiddenFields } from '../model/pages.ts'
import type { PushedRequest } from '../model/pushed-request.ts'
import { isLoopbackHost, matchesRegisteredRedirectUri, soleRedirectUri } from '../protocol/redirect-uri.ts'
import { requestObjectParameters } from '../authorize/request-object.ts'
import type { Session } from '../model/session.ts'
import { errorPageResult, pageResult } from '../results.ts'
import { findSession, startSession } from '../sessions.ts'
import { type SignIn, signInOrRefusal } from '../sign-in.ts'
import { ENDPOINT_PATHS } from './metadata.ts'
import { scopeDescriptions } from '../protocol/scope.ts'
import {
  type Arrival,
  requiresPushedRequests,
  resolvePushedRequest,
  usePushedRequest,
} from '../par/pushed-requests.ts'
import { decideTarget, targetedIdentifiers } from '../resources/audience.ts'
import { pickParameters } from '../protocol/params.ts'
import { verifiedIdTokenHint } from '../oidc/id-token-hint.ts'
import { assertRequestedSubject } from '../oidc/claims-request.ts'
import { subjectNames } from '../oidc/subject.ts'

/** A browser as far as the pages care: its session cookie value, if any, and its address. */
export interface Browser {
  readonly sessionId: string | undefined
  readonly address: string
}

/** One message for a wrong username and a wrong password: nothing tells them apart. */
export const LOGIN_FAILED_MESSAGE =
  'The username or password is incorrect. After 5 failed attempts, each further one waits a while.'

/** The authorization request's own parameters, carried through the login and consent forms unchanged. */
function authorizationFields(params: ReadonlyMap<string, string>): HiddenFields {
  return pickParameters(params, AUTHORIZATION_PARAMETERS)
}

/** The authorization request a login or consent form carries back, without the form's own fields. */
const requestIn = (form: ReadonlyMap<string, string>) => new Map(Object.entries(authorizationFields(form)))

/** Why the login page is shown (again): nothing yet, a wrong password, or an attempt refused before checking. */
type LoginProblem = { readonly username: string; readonly refusal?: OAuthError } | null

function loginPage(
  request: AuthorizationRequest,
  params: ReadonlyMap<string, string>,
  problem: LoginProblem,
): EndpointResult {
  const model = {
    action: ENDPOINT_PATHS.login,
    clientName: request.client.name,
    hiddenFields: authorizationFields(params),
    ...(problem === null
      ? // OpenID Connect Core §3.1.2.1: login_hint fills in the username.
        request.loginHint === null
        ? {}
        : { username: request.loginHint }
      : { username: problem.username, error: problem.refusal?.description ?? LOGIN_FAILED_MESSAGE }),
  }
  const status = problem === null ? 200 : (problem.refusal?.status ?? 401)
  return pageResult({ view: 'login', model }, status, problem?.refusal)
}

/** The pushed request (RFC 9126) an authorization request came from, used once its response goes back; or null. */
type Pushed = PushedRequest | null

/**
 * Where a person can go back to an application whose link was bad: the origin of a registered https redirect URI
 * (the operator registered it, unlike anything in the link). None for native and loopback-only apps.
 */
function appHomeOf(client: Client): AppHome | undefined {
  // A metadata document client's redirect URIs were registered by nobody here: never a link to them.
  if (isMetadataDocumentClientId(client.id)) return undefined
  for (const uri of client.redirectUris) {
    const url = URL.parse(uri)
    if (url?.protocol === 'https:' && !isLoopbackHost(url.hostname))
      return { name: client.name, url: url.origin }
  }
  return undefined
}

/**
 * Validates the request (the pushed one its request_uri names, or the one inside its request object, if any),
 * then answers with the error (a redirect or a page), or runs `work` with the valid request and the parameters
 * it was read from.
 */
async function withValidRequest(
  params: ReadonlyMap<string, string>,
  arrival: Arrival,
  deps: CoreContext,
  work: (
    request: AuthorizationRequest,
    pushed: Pushed,
    validated: ReadonlyMap<string, string>,
  ) => Promise<EndpointResult>,
): Promise<EndpointResult> {
  const resolved = await resolvePushedRequest(params, arrival, deps)
  if (resolved.kind === 'refused') return errorPageResult(resolved.error, 'This sign-in link is not valid')
  const pushed = resolved.kind === 'pushed' ? resolved.pushed : null
  // A pushed request's request object was unpacked when it was pushed (pushed-authorization-request.ts).
  const unpacked = pushed === null ? await unpackRequestObject(params, arrival, deps) : resolved
  if (unpacked.kind === 'refused') return unpacked.result
  const validated = unpacked.kind === 'sent' ? params : unpacked.params
  const result = await validateAuthorizationRequest(
    validated,
    (id) => findClient(id, deps),
    (requested, client, scope) => decideTarget({ requested, client, scope }, deps),
  )
  if (result.kind === 'show-error') {
    const appHome = result.client === undefined ? undefined : appHomeOf(result.client)
    return errorPageResult(result.error, 'The app sent you here with a bad link', {
      advice:
        'Go back to the app and try again. If this keeps happening, tell its developers what this page says.',
      ...(appHome === undefined ? {} : { appHome }),
    })
  }
  if (result.kind === 'redirect-error') {
    return errorResponse(result, result.error, deps.config.issuer)
  }
  // RFC 9126 §4: where PAR is required, a request that was not pushed is refused with invalid_request.
  if (pushed === null && requiresPushedRequests(result.request.client, deps.config)) {
    const error = new InvalidRequest('This application must push its authorization requests (PAR).')
    return errorResponse(result.request, error, deps.config.issuer)
  }
  try {
    return await work(result.request, pushed, validated)
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    return errorResponse(result.request, error, deps.config.issuer)
  }
}

/** A request's parameters once its request object, if any, is unpacked; or the answer that refuses it. */
type Unpacked =
  | { readonly kind: 'sent' }
  | { readonly kind: 'unpacked'; readonly params: ReadonlyMap<string, string> }
  | { readonly kind: 'refused'; readonly result: EndpointResult }

/**
 * RFC 9101 §5: the parameters inside a request object sent by value (or the refusal of a client that must send
 * one). An unknown client is left to the validator, which says so on a page. RFC 9101 §6.3: a refusal goes
 * back as an error response (RFC 6749 §4.1.2.1): to a redirect_uri registered for the client, else on a page.
 */
async function unpackRequestObject(
  params: ReadonlyMap<string, string>,
  arrival: Arrival,
  deps: CoreContext,
): Promise<Unpacked> {
  const clientId = params.get('client_id')
  let client: Client | null = null
  try {
    client = clientId === undefined ? null : await findClient(clientId, deps)
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
  }
  if (client === null) return { kind: 'sent' }
  try {
    return { kind: 'unpacked', params: await requestObjectParameters(params, client, arrival, deps) }
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    const redirectUri = params.get('redirect_uri') ?? soleRedirectUri(client.redirectUris)
    if (redirectUri === undefined || !matchesRegisteredRedirectUri(redirectUri, client.redirectUris)) {
      return { kind: 'refused', result: errorPageResult(error, 'The app sent you here with a bad link') }
    }
    const target = { redirectUri, state: params.get('state') ?? null, responseMode: 'query' } as const
    return { kind: 'refused', result: errorResponse(target, error, deps.config.issuer) }
  }
}

async function respond(
  request: AuthorizationRequest,
  pushed: Pushed,
  session: Session,
  deps: CoreContext,
): Promise<EndpointResult> {
  assertRequestedSubject(request, session.userId, deps.config.secret)
  if (pushed !== null) await usePushedRequest(pushed, deps)
  if (request.responseType === 'code') return issueCode(request, session, deps)
  return implicitResponse(request, await issueImplicitTokens(request, session, deps), deps.config.issuer)
}

/**
 * OpenID Connect Core §3.1.2.1: the person an id_token_hint names. It must be an ID token Keyward issued to this
 * client; expired is fine, as the client sends the one it holds.
 */
async function hintedPerson(
  request: AuthorizationRequest,
  params: ReadonlyMap<string, string>,
  userId: string | null,
  deps: CoreContext,
): Promise<string | null> {
  const value = params.get('id_token_hint')
  if (value === undefined) return null
  const hint = await verifiedIdTokenHint(value, deps)
  if (hint === null || !hint.audience.includes(request.client.id)) {
    throw new InvalidRequest('The id_token_hint is not an ID token issued by this server to this client.')
  }
  // Core §8.1: the hint names the person as this client sees them; the session's person is matched against it.
  const named = userId !== null && subjectNames(request.client, hint.subject, userId, deps.config.secret)
  return named ? userId : hint.subject
}

/** `params` as sent, which the forms carry; `validated`, what the request was read from (pushed or signed). */
async function proceed(
  request: AuthorizationRequest,
  pushed: Pushed,
  params: ReadonlyMap<string, string>,
  validated: ReadonlyMap<string, string>,
  session: Session | null,
  freshLogin: boolean,
  deps: CoreContext,
): Promise<EndpointResult> {
  const userId = session?.userId ?? null
  const consent = userId === null ? null : await deps.stores.consents.get(userId, request.client.id)
  const sessionAge =
    session === null ? null : (deps.clock.now().getTime() - session.authTime.getTime()) / 1000
  const hintedUserId = await hintedPerson(request, validated, userId, deps)
  const step = nextStep(request, { userId, sessionAge, freshLogin, consent, hintedUserId })
  if (step.kind === 'login' || session === null) return loginPage(request, params, null)
  if (step.kind === 'issue') return respond(request, pushed, session, deps)
  const user = await deps.people.find(session.userId)
  if (user === null) return loginPage(request, params, null)
  return pageResult({
    view: 'consent',
    model: {
      action: ENDPOINT_PATHS.consent,
      clientName: request.client.name,
      ...(isMetadataDocumentClientId(request.client.id)
        ? { clientDomain: new URL(request.client.id).host }
        : {}),
      username: user.username,
      scopes: scopeDescriptions(request.scope, deps.config.scopes),
      hiddenFields: authorizationFields(params),
      redirectHost: hostOf(request.redirectUri),
      switchAccount: switchAccountLink(params),
      resources: request.target.resources.map(({ identifier, name }) => ({ identifier, name })),
    },
  })
}

/** Where a redirect URI sends the person, as they can check it: the host, or the scheme of an app on the device. */
function hostOf(redirectUri: string): string {
  const url = new URL(redirectUri)
  return url.host === '' ? url.protocol.slice(0, -1) : url.host
}

/**
 * "Not you?": the sign-in page of the same request as its forms carry it (OpenID Connect Core §3.1.2.1 lets the
 * server ask for a fresh sign-in). Not /authorize with prompt=login: a pushed request (RFC 9126 §4) or a request
 * object (RFC 9101 §5) ignores parameters sent beside it, and a request object's jti is used at /authorize.
 */
function switchAccountLink(params: ReadonlyMap<string, string>): string {
  return `${ENDPOINT_PATHS.login}?${new URLSearchParams(authorizationFields(params))}`
}

/**
 * GET /login from the consent page's "Not you?" link: the sign-in page for the same request, as the forms that
 * follow its arrival read it, shown whoever is signed in; signing in replaces the browser's session, then the
 * request goes on. Without the login_hint: it named the person who is leaving.
 */
export function switchAccount(
  params: ReadonlyMap<string, string>,
  deps: CoreContext,
): Promise<EndpointResult> {
  const request = requestIn(params)
  return withValidRequest(request, 'form', deps, async (validated) =>
    loginPage({ ...validated, loginHint: null }, request, null),
  )
}

/** GET or POST /authorize (RFC 6749 §3.1: both methods are supported). */
export function authorize(
  params: ReadonlyMap<string, string>,
  browser: Browser,
  deps: CoreContext,
): Promise<EndpointResult> {
  return withValidRequest(params, 'redirect', deps, async (request, pushed, validated) => {
    const session = await findSession(browser.sessionId, deps)
    return proceed(request, pushed, params, validated, session, false, deps)
  })
}

/** The login form was submitted: check the password, start a session, and go on with the same request. */
export async function submitLogin(
  form: ReadonlyMap<string, string>,
  credentials: SignIn,
  deps: CoreContext,
): Promise<EndpointResult> {
  const params = requestIn(form)
  const { username } = credentials
  let session: StartedSession | undefined
  const result = await withValidRequest(params, 'form', deps, async (request, pushed, validated) => {
    // A refused attempt keeps the person on the form, told to wait, instead of sending them back to the client.
    const user = await signInOrRefusal(credentials, deps)
    if (user instanceof OAuthError) return loginPage(request, params, { username, refusal: user })
    if (user === null) return loginPage(request, params, { username })
    const started = await startSession(user.id, deps)
    session = started.cookie
    return proceed(request, pushed, params, validated, started.session, true, deps)
  })
  return session === undefined ? result : { ...result, session }
}

/** The consent form was submitted: deny → access_denied (RFC 6749 §4.1.2.1); allow → remember and respond. */
export function submitConsent(
  form: ReadonlyMap<string, string>,
  browser: Browser,
  deps: CoreContext,
): Promise<EndpointResult> {
  const params = requestIn(form)
  return withValidRequest(params, 'form', deps, async (request, pushed) => {
    const session = await findSession(browser.sessionId, deps)
    if (session === null) return loginPage(request, params, null)
    if (form.get('decision') !== 'approve') {
      // A denial is the request's response too: its request_uri is used.
      if (pushed !== null) await usePushedRequest(pushed, deps)
      throw new AccessDenied('The user denied the request.')
    }
    await keepClientRecord(request.client, browser.address, deps)
    await rememberConsent(
      {
        userId: session.userId,
        clientId: request.client.id,
        scope: request.scope,
        resources: targetedIdentifiers(request.target),
        address: browser.address,
      },
      deps,
    )
    return respond(request, pushed, session, deps)
  })
}
