import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EndpointContext } from '../../core/context.ts'
import {
  decideDevice,
  findPendingDevice,
  type PendingDevice,
} from '../../core/endpoints/device-authorization.ts'
import { ENDPOINT_PATHS } from '../../core/endpoints/metadata.ts'
import {
  InvalidGrant,
  InvalidRequest,
  OAuthError,
  TemporarilyUnavailable,
  TooManyRequests,
} from '../../core/errors.ts'
import { findSession, startSession } from '../../core/sessions.ts'
import { authenticateUser } from '../../core/sign-in.ts'
import { type CookiePolicy, readCookie, writeCookie } from '../cookies.ts'
import type { Csrf } from '../csrf.ts'
import { errorHeaders } from '../errors.ts'
import { formOf, queryOf } from '../form.ts'
import { renderDeviceConfirm } from '../views/device-confirm.ts'
import { renderDeviceDone } from '../views/device-done.ts'
import { renderDeviceEntry } from '../views/device-entry.ts'
import { renderLogin } from '../views/login.ts'
import { LOGIN_FAILED_MESSAGE, SESSION_COOKIE } from './authorize.ts'

export interface DeviceRouteDeps {
  readonly core: EndpointContext
  readonly csrf: Csrf
  readonly cookies: CookiePolicy
}

/** What the device login page shows: the code it carries, and the client when the code was checked already. */
interface LoginPageView {
  readonly userCode: string
  readonly clientName?: string
  readonly username?: string
  /** The alert: why the page is shown again. */
  readonly problem?: string
}

/** Sent back as the error's status, with the headers every error answer carries (Retry-After for a wait). */
function withStatusOf(reply: FastifyReply, error: OAuthError): FastifyReply {
  return errorHeaders(reply, error).code(error.status)
}

/** Signing in was refused before the password was checked: too many tries (429), or they cannot be counted (503). */
const isRefusal = (error: unknown): error is TooManyRequests | TemporarilyUnavailable =>
  error instanceof TooManyRequests || error instanceof TemporarilyUnavailable

const VERIFY = ENDPOINT_PATHS.deviceVerification

/**
 * RFC 8628 §3.3: the verification pages where a person types the user code, signs in if needed, and
 * approves or denies.
 */
export function registerDeviceRoutes(app: FastifyInstance, deps: DeviceRouteDeps): void {
  const { core, csrf, cookies } = deps
  // Each page is sent with the status the reply has by then (200 unless the caller set another).
  const html = (reply: FastifyReply, body: string) =>
    reply.header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(body)

  const entryPage = (request: FastifyRequest, reply: FastifyReply, userCode?: string, error?: OAuthError) =>
    html(
      error === undefined ? reply : withStatusOf(reply, error),
      renderDeviceEntry({
        action: VERIFY,
        csrfToken: csrf.tokenFor(request, reply),
        ...(userCode === undefined ? {} : { userCode }),
        ...(error === undefined ? {} : { error: error.description }),
      }),
    )

  const confirmPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    pending: PendingDevice,
    userId: string,
  ) => {
    const user = await core.stores.users.get(userId)
    const descriptions = new Map(core.config.scopes.map((scope) => [scope.name, scope.description]))
    return html(
      reply,
      renderDeviceConfirm({
        action: `${VERIFY}/decide`,
        csrfToken: csrf.tokenFor(request, reply),
        clientName: pending.client.name,
        username: user?.username ?? '',
        userCode: pending.userCode,
        scopes: pending.scope.map((name) => ({ name, description: descriptions.get(name) ?? name })),
        hiddenFields: { user_code: pending.userCode },
      }),
    )
  }

  const loginPage = (request: FastifyRequest, reply: FastifyReply, view: LoginPageView) =>
    html(
      reply,
      renderLogin({
        action: `${VERIFY}/login`,
        csrfToken: csrf.tokenFor(request, reply),
        ...(view.clientName === undefined ? {} : { clientName: view.clientName }),
        hiddenFields: { user_code: view.userCode },
        ...(view.username === undefined ? {} : { username: view.username }),
        ...(view.problem === undefined ? {} : { error: view.problem }),
      }),
    )

  /** Reads a posted form, refusing it without this browser's CSRF token. */
  function formFrom(request: FastifyRequest): ReadonlyMap<string, string> {
    const form = formOf(request.body)
    if (!csrf.verify(request, form.get('csrf_token'))) {
      throw new InvalidRequest('This form has expired or was not sent by this site. Start again.')
    }
    return form
  }

  /** The device whose code the form carries, counted against the typist's tries; or why there is none. */
  async function pendingFrom(
    form: ReadonlyMap<string, string>,
    request: FastifyRequest,
    userId: string | null,
  ) {
    try {
      const typist = { address: request.ip, userId }
      return { pending: await findPendingDevice(form.get('user_code') ?? '', typist, core) }
    } catch (error) {
      if (error instanceof OAuthError) return { error }
      throw error
    }
  }

  const sessionUser = async (request: FastifyRequest) =>
    (await findSession(readCookie(request, SESSION_COOKIE, cookies), core))?.userId ?? null

  // RFC 8628 §3.3.1: verification_uri_complete carries the code; the person still confirms it.
  app.get(VERIFY, async (request, reply) => entryPage(request, reply, queryOf(request.url).get('user_code')))

  app.post(VERIFY, async (request, reply) => {
    const form = formFrom(request)
    const userId = await sessionUser(request)
    const { pending, error } = await pendingFrom(form, request, userId)
    if (pending) {
      if (userId !== null) return confirmPage(request, reply, pending, userId)
      return loginPage(request, reply, { userCode: pending.userCode, clientName: pending.client.name })
    }
    if (userId === null && error instanceof TooManyRequests) {
      // Others at this address used up its tries: signing in checks the code against the person's own instead.
      const problem =
        'Too many wrong codes were entered from your network. Sign in, and your code will be checked.'
      return loginPage(request, reply, { userCode: form.get('user_code') ?? '', problem })
    }
    return entryPage(request, reply, form.get('user_code'), error)
  })

  // Signing in comes first, so that the code is then counted against the person's own tries.
  app.post(`${VERIFY}/login`, async (request, reply) => {
    const form = formFrom(request)
    const username = form.get('username') ?? ''
    const userCode = form.get('user_code') ?? ''
    const signIn = { username, password: form.get('password') ?? '', address: request.ip }
    const user = await authenticateUser(signIn, core).catch((error: unknown) => {
      if (isRefusal(error)) return error
      throw error
    })
    if (user instanceof OAuthError) {
      return loginPage(request, withStatusOf(reply, user), { userCode, username, problem: user.description })
    }
    if (user === null) {
      return loginPage(request, reply.code(401), { userCode, username, problem: LOGIN_FAILED_MESSAGE })
    }
    const session = await startSession(user.id, core)
    writeCookie(reply, SESSION_COOKIE, session.id, cookies, core.config.lifetimes.session)
    const { pending, error } = await pendingFrom(form, request, user.id)
    if (!pending) return entryPage(request, reply, userCode, error)
    return confirmPage(request, reply, pending, user.id)
  })

  app.post(`${VERIFY}/decide`, async (request, reply) => {
    const form = formFrom(request)
    const userId = await sessionUser(request)
    const { pending, error } = await pendingFrom(form, request, userId)
    if (!pending) return entryPage(request, reply, form.get('user_code'), error)
    if (userId === null) {
      return loginPage(request, reply, { userCode: pending.userCode, clientName: pending.client.name })
    }
    const approved = form.get('decision') === 'approve'
    const person = { userId, address: request.ip }
    if (!(await decideDevice(pending, approved ? 'approved' : 'denied', person, core))) {
      const used = new InvalidGrant('That code was already used. Start again on your device.')
      return entryPage(request, reply, undefined, used)
    }
    return html(reply, renderDeviceDone({ approved, clientName: pending.client.name }))
  })
}
