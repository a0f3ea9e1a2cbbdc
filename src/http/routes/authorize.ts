import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AUTHORIZATION_PARAMETERS } from '../../core/authorize/request.ts'
import type { EndpointContext } from '../../core/context.ts'
import {
  type AuthorizeOutcome,
  authorize,
  submitConsent,
  submitLogin,
} from '../../core/endpoints/authorize.ts'
import { InvalidRequest } from '../../core/errors.ts'
import { type CookiePolicy, readCookie, writeCookie } from '../cookies.ts'
import type { Csrf } from '../csrf.ts'
import { errorHeaders, sendErrorPage } from '../errors.ts'
import { formOf, queryOf } from '../form.ts'
import { renderConsent } from '../views/consent.ts'
import { renderLogin } from '../views/login.ts'

export const SESSION_COOKIE = 'kw_session'

/** One message for a wrong username and a wrong password: nothing tells them apart. */
export const LOGIN_FAILED_MESSAGE =
  'The username or password is incorrect. After 5 failed attempts, each further one waits a while.'

export interface AuthorizeRouteDeps {
  readonly core: EndpointContext
  readonly csrf: Csrf
  readonly cookies: CookiePolicy
}

/** The authorization request's own parameters, carried through the login and consent forms unchanged. */
function authorizationParams(form: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  const params = new Map<string, string>()
  for (const name of AUTHORIZATION_PARAMETERS) {
    const value = form.get(name)
    if (value !== undefined) params.set(name, value)
  }
  return params
}

export function registerAuthorizeRoutes(app: FastifyInstance, deps: AuthorizeRouteDeps): void {
  const { core, csrf, cookies } = deps
  const browserOf = (request: FastifyRequest) => ({
    sessionId: readCookie(request, SESSION_COOKIE, cookies),
    address: request.ip,
  })

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    params: ReadonlyMap<string, string>,
    outcome: AuthorizeOutcome,
    username?: string,
  ): FastifyReply {
    reply.header('Cache-Control', 'no-store')
    switch (outcome.kind) {
      case 'show-error':
        return sendErrorPage(reply, outcome.error, 'This sign-in link is not valid')
      case 'redirect':
        // 303 after a form post so the browser follows with GET (RFC 9110 §15.4.4).
        return reply.redirect(outcome.location, request.method === 'POST' ? 303 : 302)
      case 'login':
        if (outcome.refusal) errorHeaders(reply, outcome.refusal)
        return reply
          .code(outcome.refusal?.status ?? (outcome.failed ? 401 : 200))
          .type('text/html; charset=utf-8')
          .send(
            renderLogin({
              action: '/login',
              csrfToken: csrf.tokenFor(request, reply),
              clientName: outcome.request.client.name,
              hiddenFields: Object.fromEntries(authorizationParams(params)),
              ...(username === undefined ? {} : { username }),
              ...(outcome.failed ? { error: outcome.refusal?.description ?? LOGIN_FAILED_MESSAGE } : {}),
            }),
          )
      case 'consent': {
        const descriptions = new Map(core.config.scopes.map((scope) => [scope.name, scope.description]))
        return reply.type('text/html; charset=utf-8').send(
          renderConsent({
            action: '/consent',
            csrfToken: csrf.tokenFor(request, reply),
            clientName: outcome.request.client.name,
            username: outcome.user.username,
            scopes: outcome.request.scope.map((name) => ({
              name,
              description: descriptions.get(name) ?? name,
            })),
            hiddenFields: Object.fromEntries(authorizationParams(params)),
          }),
        )
      }
    }
  }

  function requireCsrf(request: FastifyRequest, form: ReadonlyMap<string, string>): void {
    if (!csrf.verify(request, form.get('csrf_token'))) {
      throw new InvalidRequest(
        'This form has expired or was not sent by this site. Go back to the application and start again.',
      )
    }
  }

  app.get('/authorize', async (request, reply) => {
    const params = queryOf(request.url)
    return render(request, reply, params, await authorize(params, browserOf(request), core))
  })

  // RFC 6749 §3.1: the authorization endpoint supports POST too.
  app.post('/authorize', async (request, reply) => {
    const params = formOf(request.body)
    return render(request, reply, params, await authorize(params, browserOf(request), core))
  })

  // Guessing is throttled in core, per username and address and per address (authenticateUser).
  app.post('/login', async (request, reply) => {
    const form = formOf(request.body)
    requireCsrf(request, form)
    const params = authorizationParams(form)
    const username = form.get('username') ?? ''
    const { outcome, sessionId } = await submitLogin(
      params,
      { username, password: form.get('password') ?? '', address: request.ip },
      core,
    )
    if (sessionId !== null)
      writeCookie(reply, SESSION_COOKIE, sessionId, cookies, core.config.lifetimes.session)
    return render(request, reply, params, outcome, username)
  })

  app.post('/consent', async (request, reply) => {
    const form = formOf(request.body)
    requireCsrf(request, form)
    const params = authorizationParams(form)
    const decision = form.get('decision') === 'approve' ? 'approve' : 'deny'
    return render(request, reply, params, await submitConsent(params, decision, browserOf(request), core))
  })
}
