import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  errorPageResult,
  errorResult,
  InvalidRequest,
  OAuthError,
  ServerError,
  TemporarilyUnavailable,
} from '../core/index.ts'
import { allowCrossOrigin, crossOriginRoutes } from './cors.ts'
import { type ReplySide, send } from './send.ts'

/** Fastify's own input errors (media type, body size, malformed body) as the invalid_request they are. */
function asOAuthError(error: FastifyError | Error): OAuthError {
  if (error instanceof OAuthError) return error
  const fastifyError = error as FastifyError
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new InvalidRequest('The request body must be application/x-www-form-urlencoded.', {
        cause: error,
      })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new InvalidRequest('The request body is too large.', { cause: error })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequest('The request body is malformed.', { cause: error })
    // The body stopped coming: the client went away, or its request timed out (client-errors.ts answered).
    case 'ECONNRESET':
      return new InvalidRequest('The connection closed before the request was complete.', { cause: error })
  }
  if (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500) {
    return new InvalidRequest('The request is malformed.', { cause: error })
  }
  return new ServerError('The server could not complete the request.', { cause: error })
}

/** An error handler that logs the error once, by its kind, and answers it with `send`. */
function handleErrors(
  answer: (request: FastifyRequest, reply: FastifyReply, error: OAuthError) => FastifyReply,
) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const oauthError = asOAuthError(error)
    // Security events (reuse, failed sign-ins) are emitted by core where they are decided, not guessed here.
    if (oauthError instanceof TemporarilyUnavailable) {
      // A dependency is away: its outage is logged once where it is detected; each refused request, one line.
      const cause = oauthError.cause instanceof Error ? oauthError.cause.message : undefined
      request.log.warn({ error: oauthError.code, cause }, oauthError.description)
    } else if (oauthError.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ error: oauthError.code }, oauthError.description)
    return answer(request, reply, oauthError)
  }
}

/**
 * For errors no route's context decides the shape of (no route matched, or the URL could not be read): a page
 * when the caller asks for HTML, as a browser's navigation and form posts do, RFC 6749 JSON otherwise.
 */
export function sendAsAsked(
  request: FastifyRequest,
  reply: FastifyReply,
  error: OAuthError,
  basePath: string,
  title?: string,
): FastifyReply {
  const result = /\btext\/html\b/.test(request.headers.accept ?? '')
    ? errorPageResult(error, title)
    : errorResult(error)
  return send(request, reply, result, { basePath })
}

/** The order Allow lists methods in. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'OPTIONS']

/** Errors answered as RFC 6749 §5.2 JSON everywhere, except in the pages' context (registerPageErrorHandling). */
export function registerErrorHandling(app: FastifyInstance, basePath: string): void {
  // A request that reaches no route still has its body parsed first, which can fail: answer as the caller reads.
  app.setErrorHandler(
    handleErrors((request, reply, error) =>
      request.is404
        ? sendAsAsked(request, reply, error, basePath)
        : send(request, reply, errorResult(error), { basePath }),
    ),
  )
  // Every route's path and methods, to tell a path that does not exist (404) from a method it does not take (405).
  const methodsAt = new Map<string, string[]>()
  app.addHook('onRoute', (route) => {
    const methods = [...(methodsAt.get(route.url) ?? []), ...[route.method].flat()]
    methodsAt.set(
      route.url,
      METHOD_ORDER.filter((method) => methods.includes(method)),
    )
  })
  const crossOrigin = crossOriginRoutes(app.prefix)
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? ''
    const allowed = methodsAt.get(path)
    if (allowed === undefined) {
      const error = new InvalidRequest('There is nothing at this address.').withStatus(404)
      return sendAsAsked(request, reply, error, basePath, 'Page not found')
    }
    // RFC 9110 §15.5.6: a 405 lists the methods the resource takes.
    reply.header('Allow', allowed.join(', '))
    // No route ran, so neither did the CORS hook: a browser app still reads why the method was refused.
    if (crossOrigin.has(path)) allowCrossOrigin(reply)
    const error = new InvalidRequest(`This address takes ${allowed.join(', ')}, not ${request.method}.`)
    return sendAsAsked(request, reply, error.withStatus(405), basePath, 'Method not allowed')
  })
}

/** In the pages' context errors are pages: their callers are people with browsers. */
export function registerPageErrorHandling(pages: FastifyInstance, side: ReplySide): void {
  pages.setErrorHandler(
    handleErrors((request, reply, error) => send(request, reply, errorPageResult(error), side)),
  )
}
