import type { FastifyReply, FastifyRequest } from 'fastify'
import {
  DPOP_ALGORITHMS,
  InsufficientScope,
  InvalidClient,
  InvalidDpopProof,
  InvalidToken,
  TooManyRequests,
  UseDpopNonce,
} from '../core/index.ts'
import type { EndpointResult } from '../core/model/endpoint-result.ts'
import { clearCookie, type CookiePolicy, writeCookie } from './cookies.ts'
import type { Csrf } from './csrf.ts'
import { FORM_POST_CONTENT_SECURITY_POLICY } from './security-headers.ts'
import { renderPage } from './views/index.ts'

/** The login session cookie. */
export const SESSION_COOKIE = 'kw_session'

/** Where replies go: every page links under the issuer's path (app.ts, basePathOf). */
export interface ReplySide {
  readonly basePath: string
}

/** Replies to people also need their CSRF token and how cookies are set. */
export interface BrowserSide extends ReplySide {
  readonly csrf: Csrf
  readonly cookies: CookiePolicy
}

const isBrowserSide = (side: ReplySide): side is BrowserSide => 'csrf' in side

/** RFC 6750 §3: auth-params are quoted strings, so a quote or backslash in a value is escaped (RFC 9110 §5.6.4). */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`

/** RFC 9449 §7.1: the DPoP challenge names the algorithms proofs may use. */
const DPOP_SCHEME = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}"`

/**
 * The challenges of a refused access token, in one place. No token at all: the schemes the resource takes (both
 * at UserInfo), without error (RFC 6750 §3.1, RFC 9449 §7.1). A token presented or bound as DPoP, or a bad proof: the DPoP challenge
 * (RFC 9449 §7.1; a 401 always has one, RFC 9110 §15.5.2). Otherwise the Bearer challenge of RFC 6750 §3.
 */
function tokenChallenge(error: InvalidToken | InsufficientScope | InvalidDpopProof | UseDpopNonce): string {
  if (error instanceof InvalidToken && error.tokenMissing) {
    return error.acceptsDpop ? `Bearer realm="keyward", ${DPOP_SCHEME}` : 'Bearer realm="keyward"'
  }
  const scope = error instanceof InsufficientScope ? `, scope=${quoted(error.scope)}` : ''
  const described = `error="${error.code}", error_description=${quoted(error.description)}${scope}`
  if (error instanceof InvalidDpopProof || error instanceof UseDpopNonce || error.scheme === 'DPoP') {
    return `${DPOP_SCHEME}, ${described}`
  }
  return `Bearer realm="keyward", ${described}`
}

/**
 * Every reply Keyward sends, from the one result shape of the core (architecture §2). Caching, the error headers
 * and the rendering of pages are decided here and nowhere else.
 */
export function send(
  request: FastifyRequest,
  reply: FastifyReply,
  result: EndpointResult,
  side: ReplySide | BrowserSide,
): FastifyReply {
  const { error, session, sessionEnded } = result
  // RFC 6585 §4: a 429 may say, in Retry-After seconds (RFC 9110 §10.2.3), when to try again.
  if (error instanceof TooManyRequests) reply.header('Retry-After', String(error.retryAfterSeconds))
  // RFC 6749 §5.2: a 401 after Basic authentication carries the Basic challenge (a page has no challenge).
  if (error instanceof InvalidClient && error.usedBasic && result.kind === 'json') {
    reply.header('WWW-Authenticate', 'Basic realm="keyward"')
  }
  // RFC 6750 §3 and RFC 9449 §7.1: a refused access token is answered with a challenge; no error when there was
  // no token. A bad DPoP proof at the token endpoint is a 400 without one (RFC 9449 §5).
  if (
    error instanceof InvalidToken ||
    error instanceof InsufficientScope ||
    ((error instanceof InvalidDpopProof || error instanceof UseDpopNonce) && error.status === 401)
  ) {
    reply.header('WWW-Authenticate', tokenChallenge(error))
  }
  // RFC 9449 §8.1, §9: the nonce to retry with, or a fresh one for the next proofs.
  const dpopNonce = error instanceof UseDpopNonce ? error.nonce : result.dpopNonce
  if (dpopNonce !== undefined) reply.header('DPoP-Nonce', dpopNonce)
  if (session !== undefined) {
    if (!isBrowserSide(side)) throw new Error('A session can only be started where replies go to a browser.')
    writeCookie(reply, SESSION_COOKIE, session.id, side.cookies, session.maxAgeSeconds)
  }
  if (sessionEnded === true) {
    if (!isBrowserSide(side)) throw new Error('A session can only be ended where replies go to a browser.')
    clearCookie(reply, SESSION_COOKIE, side.cookies)
  }
  if (result.kind === 'json' && result.publicCacheSeconds !== undefined) {
    reply.header('Cache-Control', `public, max-age=${result.publicCacheSeconds}`)
  } else {
    // RFC 6749 §5.1: tokens, and every other answer about a client, a person or a token, are never stored.
    reply.header('Cache-Control', 'no-store')
  }
  switch (result.kind) {
    case 'json':
      if (result.publicCacheSeconds === undefined) reply.header('Pragma', 'no-cache')
      if (result.mediaType !== undefined) reply.type(result.mediaType)
      return reply.code(result.status).send(result.body)
    case 'empty':
      return reply.code(result.status).send()
    case 'redirect':
      // 303 after a form post so the browser follows with GET (RFC 9110 §15.4.4).
      return reply.redirect(result.location, request.method === 'POST' ? 303 : 302)
    case 'page': {
      const csrfToken = () => {
        if (!isBrowserSide(side)) throw new Error('A page with a form can only be sent to a browser.')
        return side.csrf.tokenFor(request, reply)
      }
      const html = renderPage(result.page, side.basePath, csrfToken)
      if (result.page.view === 'form-post') {
        reply.header('Content-Security-Policy', FORM_POST_CONTENT_SECURITY_POLICY)
      }
      return reply.code(result.status).type('text/html; charset=utf-8').send(html)
    }
  }
}
