import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type AuthorizationServer, type Browser, ENDPOINT_PATHS, InvalidRequest } from '../../core/index.ts'
import type { EndpointResult } from '../../core/model/endpoint-result.ts'
import { readCookie } from '../cookies.ts'
import { formOf, queryOf } from '../form.ts'
import type { Metrics } from '../ops/metrics.ts'
import { type BrowserSide, SESSION_COOKIE, send } from '../send.ts'

/**
 * The pages people use: the authorization endpoint with its sign-in and consent forms (RFC 6749 §3.1), and the
 * device verification pages (RFC 8628 §3.3). Every posted form must carry this browser's CSRF token.
 */
export function registerPageRoutes(
  app: FastifyInstance,
  server: AuthorizationServer,
  side: BrowserSide,
  metrics?: Metrics,
): void {
  const browserOf = (request: FastifyRequest): Browser => ({
    sessionId: readCookie(request, SESSION_COOKIE, side.cookies),
    address: request.ip,
  })
  /** Fields a page of this server gave this browser, refused without the browser's CSRF token. */
  function fromThisSite(request: FastifyRequest, fields: ReadonlyMap<string, string>) {
    if (!side.csrf.verify(request, fields.get('csrf_token'))) {
      throw new InvalidRequest('This form has expired or was not sent by this site. Start again.')
    }
    return fields
  }
  /** The posted form, refused without this browser's CSRF token. */
  const formFrom = (request: FastifyRequest) => fromThisSite(request, formOf(request.body))
  const signInFrom = (request: FastifyRequest, form: ReadonlyMap<string, string>) => ({
    username: form.get('username') ?? '',
    password: form.get('password') ?? '',
    address: request.ip,
  })

  /**
   * An answer to an authorization request. A refused one is logged with why, for the developer whose app sent
   * it: the error code, its description and the client_id, never another parameter (state, the PKCE challenge).
   */
  function sendAuthorization(
    request: FastifyRequest,
    reply: FastifyReply,
    params: ReadonlyMap<string, string>,
    result: EndpointResult,
  ) {
    if (result.error !== undefined) {
      const clientId = params.get('client_id')?.slice(0, 255)
      request.log.info(
        { error: result.error.code, clientId },
        `authorization request refused: ${result.error.description}`,
      )
    }
    metrics?.countImplicitTokens(result)
    return send(request, reply, result, side)
  }

  app.get(ENDPOINT_PATHS.authorization, async (request, reply) => {
    const params = queryOf(request.url)
    return sendAuthorization(request, reply, params, await server.authorize(params, browserOf(request)))
  })
  // RFC 6749 §3.1: the authorization endpoint supports POST too.
  app.post(ENDPOINT_PATHS.authorization, async (request, reply) => {
    const params = formOf(request.body)
    return sendAuthorization(request, reply, params, await server.authorize(params, browserOf(request)))
  })
  // Guessing is throttled in core, per username and address and per address (sign-in.ts).
  app.post(ENDPOINT_PATHS.login, async (request, reply) => {
    const form = formFrom(request)
    return sendAuthorization(request, reply, form, await server.login(form, signInFrom(request, form)))
  })
  // The consent page's "Not you?" link: the sign-in page of the same request. It reads the request as the forms
  // do (a pushed request or request object past its expiry, a jti not used again), so it takes the CSRF token
  // too: a link made elsewhere cannot replay a request that way.
  app.get(ENDPOINT_PATHS.login, async (request, reply) => {
    const params = fromThisSite(request, queryOf(request.url))
    return sendAuthorization(request, reply, params, await server.switchAccount(params))
  })
  app.post(ENDPOINT_PATHS.consent, async (request, reply) => {
    const form = formFrom(request)
    return sendAuthorization(request, reply, form, await server.consent(form, browserOf(request)))
  })

  const account = server.account
  app.get(ENDPOINT_PATHS.account, async (request, reply) =>
    send(request, reply, await account.page(browserOf(request)), side),
  )
  app.get(ENDPOINT_PATHS.accountLogin, async (request, reply) =>
    send(request, reply, await account.loginPage(browserOf(request)), side),
  )
  app.post(ENDPOINT_PATHS.accountLogin, async (request, reply) => {
    const form = formFrom(request)
    return send(request, reply, await account.login(signInFrom(request, form)), side)
  })
  app.post(ENDPOINT_PATHS.accountDisconnect, async (request, reply) =>
    send(request, reply, await account.disconnect(formFrom(request), browserOf(request)), side),
  )
  app.post(ENDPOINT_PATHS.accountEndSession, async (request, reply) =>
    send(request, reply, await account.endSession(formFrom(request), browserOf(request)), side),
  )
  app.post(ENDPOINT_PATHS.accountEndAllSessions, async (request, reply) => {
    formFrom(request)
    return send(request, reply, await account.endAllSessions(browserOf(request)), side)
  })
  app.post(ENDPOINT_PATHS.accountPassword, async (request, reply) =>
    send(request, reply, await account.changePassword(formFrom(request), browserOf(request)), side),
  )

  // OpenID Connect RP-Initiated Logout 1.0 §2: the end_session_endpoint takes GET and POST; its own
  // confirmation form carries the CSRF token.
  app.get(ENDPOINT_PATHS.endSession, async (request, reply) =>
    send(request, reply, await server.logout.request(queryOf(request.url), 'GET', browserOf(request)), side),
  )
  app.post(ENDPOINT_PATHS.endSession, async (request, reply) =>
    send(request, reply, await server.logout.request(formOf(request.body), 'POST', browserOf(request)), side),
  )
  app.post(ENDPOINT_PATHS.logoutConfirmation, async (request, reply) =>
    send(request, reply, await server.logout.confirm(formFrom(request), browserOf(request)), side),
  )

  const device = server.deviceVerification
  // RFC 8628 §3.3.1: verification_uri_complete carries the code; the person still confirms it.
  app.get(ENDPOINT_PATHS.deviceVerification, async (request, reply) =>
    send(request, reply, device.page(queryOf(request.url).get('user_code')), side),
  )
  app.post(ENDPOINT_PATHS.deviceVerification, async (request, reply) =>
    send(request, reply, await device.submitCode(formFrom(request), browserOf(request)), side),
  )
  app.post(ENDPOINT_PATHS.deviceLogin, async (request, reply) => {
    const form = formFrom(request)
    return send(request, reply, await device.login(form, signInFrom(request, form)), side)
  })
  app.post(ENDPOINT_PATHS.deviceDecision, async (request, reply) =>
    send(request, reply, await device.decide(formFrom(request), browserOf(request)), side),
  )
}
