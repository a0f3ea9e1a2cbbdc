import { rememberConsent } from '../authorize/consent.ts'
import { nextStep } from '../authorize/decide.ts'
import { issueImplicitToken } from '../authorize/implicit.ts'
import { type AuthorizationRequest, validateAuthorizationRequest } from '../authorize/request.ts'
import { errorRedirect, implicitRedirect, issueCode } from '../authorize/respond.ts'
import type { EndpointContext } from '../context.ts'
import { AccessDenied, OAuthError, TemporarilyUnavailable, TooManyRequests } from '../errors.ts'
import type { User } from '../model/user.ts'
import { findSession, startSession } from '../sessions.ts'
import { authenticateUser, type SignIn } from '../sign-in.ts'

/** What the HTTP layer shows or does next for an authorization interaction. */
export type AuthorizeOutcome =
  | { readonly kind: 'show-error'; readonly error: OAuthError }
  | { readonly kind: 'redirect'; readonly location: string }
  | {
      readonly kind: 'login'
      readonly request: AuthorizationRequest
      readonly failed: boolean
      /** Why the password was not even checked: the attempt must wait (429), or cannot be counted now (503). */
      readonly refusal?: TooManyRequests | TemporarilyUnavailable
    }
  | { readonly kind: 'consent'; readonly request: AuthorizationRequest; readonly user: User }

/** A browser as far as the authorization endpoint cares: its session cookie value, if any, and its address. */
export interface Browser {
  readonly sessionId: string | undefined
  readonly address: string
}

/** Validates the request, then reports a redirect with the error, or runs `work` with the valid request. */
async function withValidRequest(
  params: ReadonlyMap<string, string>,
  deps: EndpointContext,
  work: (request: AuthorizationRequest) => Promise<AuthorizeOutcome>,
): Promise<AuthorizeOutcome> {
  const result = await validateAuthorizationRequest(params, deps.findClient)
  if (result.kind === 'show-error') return result
  if (result.kind === 'redirect-error') {
    return { kind: 'redirect', location: errorRedirect(result, result.error, deps.config.issuer) }
  }
  try {
    return await work(result.request)
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    return { kind: 'redirect', location: errorRedirect(result.request, error, deps.config.issuer) }
  }
}

async function respond(
  request: AuthorizationRequest,
  userId: string,
  deps: EndpointContext,
): Promise<AuthorizeOutcome> {
  const location =
    request.responseType === 'code'
      ? await issueCode(request, userId, deps)
      : implicitRedirect(request, await issueImplicitToken(request, userId, deps), deps.config.issuer)
  return { kind: 'redirect', location }
}

async function proceed(
  request: AuthorizationRequest,
  userId: string | null,
  freshLogin: boolean,
  deps: EndpointContext,
): Promise<AuthorizeOutcome> {
  const consent = userId === null ? null : await deps.stores.consents.get(userId, request.client.id)
  const step = nextStep(request, { userId, freshLogin, consent })
  if (step.kind === 'login' || userId === null) return { kind: 'login', request, failed: false }
  if (step.kind === 'consent') return consentPage(request, userId, deps)
  return respond(request, userId, deps)
}

async function consentPage(
  request: AuthorizationRequest,
  userId: string,
  deps: EndpointContext,
): Promise<AuthorizeOutcome> {
  const user = await deps.stores.users.get(userId)
  if (user === null) return { kind: 'login', request, failed: false }
  return { kind: 'consent', request, user }
}

/** GET or POST /authorize (RFC 6749 §3.1: both methods are supported). */
export function authorize(params: ReadonlyMap<string, string>, browser: Browser, deps: EndpointContext) {
  return withValidRequest(params, deps, async (request) => {
    const session = await findSession(browser.sessionId, deps)
    return proceed(request, session?.userId ?? null, false, deps)
  })
}

/** The login form was submitted: check the password, start a session, and go on with the same request. */
export async function submitLogin(
  params: ReadonlyMap<string, string>,
  credentials: SignIn,
  deps: EndpointContext,
): Promise<{ outcome: AuthorizeOutcome; sessionId: string | null }> {
  let sessionId: string | null = null
  const outcome = await withValidRequest(params, deps, async (request) => {
    const user = await authenticateUser(credentials, deps).catch((error: unknown) => {
      // The person stays on the form and is told to wait, instead of being sent back to the client.
      if (error instanceof TooManyRequests || error instanceof TemporarilyUnavailable) return error
      throw error
    })
    if (user instanceof OAuthError) return { kind: 'login', request, failed: true, refusal: user }
    if (user === null) return { kind: 'login', request, failed: true }
    sessionId = (await startSession(user.id, deps)).id
    return proceed(request, user.id, true, deps)
  })
  return { outcome, sessionId }
}

/** The consent form was submitted: deny → access_denied (RFC 6749 §4.1.2.1); allow → remember and respond. */
export function submitConsent(
  params: ReadonlyMap<string, string>,
  decision: 'approve' | 'deny',
  browser: Browser,
  deps: EndpointContext,
) {
  return withValidRequest(params, deps, async (request) => {
    const session = await findSession(browser.sessionId, deps)
    if (session === null) return { kind: 'login', request, failed: false }
    if (decision === 'deny') throw new AccessDenied('The user denied the request.')
    const { userId } = session
    await rememberConsent(
      { userId, clientId: request.client.id, scope: request.scope, address: browser.address },
      deps,
    )
    return respond(request, session.userId, deps)
  })
}
