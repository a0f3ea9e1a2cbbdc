import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EndpointContext } from '../../core/context.ts'
import {
  decideDevice,
  findPendingDevice,
  type PendingDevice,
} from '../../core/endpoints/device-authorization.ts'
import { ENDPOINT_PATHS } from '../../core/endpoints/metadata.ts'
import { InvalidRequest, OAuthError } from '../../core/errors.ts'
import { authenticateUser, findSession, startSession } from '../../core/sessions.ts'
import { type CookiePolicy, readCookie, writeCookie } from '../cookies.ts'
import type { Csrf } from '../csrf.ts'
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
  readonly loginRateLimit: { readonly max: number; readonly timeWindow: string }
}

const VERIFY = ENDPOINT_PATHS.deviceVerification

/**
 * RFC 8628 §3.3: the verification pages where a person types the user code, signs in if needed, and
 * approves or denies.
 */
export function registerDeviceRoutes(app: FastifyInstance, deps: DeviceRouteDeps): void {
  const { core, csrf, cookies } = deps
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(body)

  const entryPage = (request: FastifyRequest, reply: FastifyReply, userCode?: string, error?: string) =>
    html(
      reply,
      error === undefined ? 200 : 400,
      renderDeviceEntry({
        action: VERIFY,
        csrfToken: csrf.tokenFor(request, reply),
        ...(userCode === undefined ? {} : { userCode }),
        ...(error === undefined ? {} : { error }),
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
      200,
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

  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    pending: PendingDevice,
    username?: string,
  ) =>
    html(
      reply,
      username === undefined ? 200 : 401,
      renderLogin({
        action: `${VERIFY}/login`,
        csrfToken: csrf.tokenFor(request, reply),
        clientName: pending.client.name,
        hiddenFields: { user_code: pending.userCode },
        ...(username === undefined ? {} : { username, error: LOGIN_FAILED_MESSAGE }),
      }),
    )

  /** Reads and checks a posted form; a bad code goes back to the entry page with the reason. */
  async function pendingFrom(request: FastifyRequest) {
    const form = formOf(request.body)
    if (!csrf.verify(request, form.get('csrf_token'))) {
      throw new InvalidRequest('This form has expired or was not sent by this site. Start again.')
    }
    try {
      return { form, pending: await findPendingDevice(form.get('user_code') ?? '', request.ip, core) }
    } catch (error) {
      if (error instanceof OAuthError) return { form, error }
      throw error
    }
  }

  const sessionUser = async (request: FastifyRequest) =>
    (await findSession(readCookie(request, SESSION_COOKIE, cookies), core))?.userId ?? null

  // RFC 8628 §3.3.1: verification_uri_complete carries the code; the person still confirms it.
  app.get(VERIFY, async (request, reply) => entryPage(request, reply, queryOf(request.url).get('user_code')))

  app.post(VERIFY, { config: { rateLimit: deps.loginRateLimit } }, async (request, reply) => {
    const { form, pending, error } = await pendingFrom(request)
    if (!pending) return entryPage(request, reply, form.get('user_code'), error.description)
    const userId = await sessionUser(request)
    return userId === null ? loginPage(request, reply, pending) : confirmPage(request, reply, pending, userId)
  })

  app.post(`${VERIFY}/login`, { config: { rateLimit: deps.loginRateLimit } }, async (request, reply) => {
    const { form, pending, error } = await pendingFrom(request)
    if (!pending) return entryPage(request, reply, form.get('user_code'), error.description)
    const username = form.get('username') ?? ''
    const signIn = { username, password: form.get('password') ?? '', address: request.ip }
    const user = await authenticateUser(signIn, core)
    if (user === null) return loginPage(request, reply, pending, username)
    const session = await startSession(user.id, core)
    writeCookie(reply, SESSION_COOKIE, session.id, cookies, core.config.lifetimes.session)
    return confirmPage(request, reply, pending, user.id)
  })

  app.post(`${VERIFY}/decide`, async (request, reply) => {
    const { form, pending, error } = await pendingFrom(request)
    if (!pending) return entryPage(request, reply, form.get('user_code'), error.description)
    const userId = await sessionUser(request)
    if (userId === null) return loginPage(request, reply, pending)
    const approved = form.get('decision') === 'approve'
    const person = { userId, address: request.ip }
    if (!(await decideDevice(pending, approved ? 'approved' : 'denied', person, core))) {
      return entryPage(request, reply, undefined, 'That code was already used. Start again on your device.')
    }
    return html(reply, 200, renderDeviceDone({ approved, clientName: pending.client.name }))
  })
}
