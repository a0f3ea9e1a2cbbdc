import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as oauth from 'oauth4webapi'
import { API_PATHS, callApi } from './api-client.ts'
import type { DiscoveredServer } from './authorization-server.ts'
import type { Html } from './html.ts'
import { asksForOpenid, endSessionUrl, personOf } from './openid.ts'
import { expiredSessionCookie, readSessionId, sessionCookie } from './session-cookie.ts'
import type { Person, SessionStore } from './sessions.ts'
import { summarizeTokens } from './token-summary.ts'
import { errorPage, layout, signedInPage, signInPage } from './views.ts'

export interface AppContext {
  readonly server: DiscoveredServer
  readonly client: oauth.Client
  readonly clientAuth: oauth.ClientAuth
  readonly scope: string | undefined
  readonly apiUrl: URL | undefined
  readonly origin: string
  readonly redirectUri: string
  /** Where Keyward sends the browser back after signing out (RP-Initiated Logout 1.0 §3): the home page. */
  readonly postLogoutRedirectUri: string
  readonly secureCookie: boolean
  readonly sessions: SessionStore
}

type Handler = (
  ctx: AppContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void>

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
  // The callback URL carries the authorization code: never hand it to another site as a Referer.
  // same-origin rather than no-referrer: under no-referrer browsers send `Origin: null` on form posts,
  // which the cross-site check on POST / would then refuse.
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
}

function send(
  response: ServerResponse,
  status: number,
  title: string,
  body: Html,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', ...headers })
  response.end(layout(title, body))
}

// 303: after a POST, and after the callback, the browser must follow with a GET.
function redirect(response: ServerResponse, location: string, cookie: string): void {
  response.writeHead(303, { ...SECURITY_HEADERS, Location: location, 'Set-Cookie': cookie })
  response.end()
}

async function home(ctx: AppContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const id = readSessionId(request.headers.cookie)
  const session = id === undefined ? undefined : ctx.sessions.get(id)
  if (session?.kind === 'signed-in') {
    const { apiUrl } = ctx
    const apiCalls =
      apiUrl === undefined
        ? undefined
        : await Promise.all(API_PATHS.map((path) => callApi(apiUrl, path, session.tokens.accessToken)))
    send(response, 200, 'Signed in', signedInPage(summarizeTokens(session.tokens), apiCalls, session.person))
    return
  }
  send(response, 200, 'Keyward example web app', signInPage())
}

async function signIn(ctx: AppContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const previous = readSessionId(request.headers.cookie)
  if (previous !== undefined) ctx.sessions.delete(previous)
  // RFC 9700 §2.1.1: a fresh state and PKCE verifier per sign-in, kept on the server, bound to this browser.
  const state = oauth.generateRandomState()
  const codeVerifier = oauth.generateRandomCodeVerifier()
  // OpenID Connect Core §3.1.2.1: a fresh nonce binds the ID token to this sign-in, so a replayed one is refused.
  const nonce = asksForOpenid(ctx.scope) ? oauth.generateRandomNonce() : undefined
  const id = ctx.sessions.create({
    kind: 'pending',
    state,
    codeVerifier,
    ...(nonce === undefined ? {} : { nonce }),
  })
  const target = new URL(ctx.server.authorizationEndpoint)
  target.searchParams.set('response_type', 'code')
  target.searchParams.set('client_id', ctx.client.client_id)
  target.searchParams.set('redirect_uri', ctx.redirectUri)
  if (ctx.scope !== undefined) target.searchParams.set('scope', ctx.scope)
  target.searchParams.set('state', state)
  if (nonce !== undefined) target.searchParams.set('nonce', nonce)
  // RFC 7636 §4.2: S256 only; plain would hand the verifier to whoever sees the authorization request.
  target.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier))
  target.searchParams.set('code_challenge_method', 'S256')
  redirect(response, target.href, sessionCookie(id, ctx.secureCookie))
}

async function exchangeCode(
  ctx: AppContext,
  callbackParameters: URLSearchParams,
  codeVerifier: string,
  nonce: string | undefined,
): Promise<oauth.TokenEndpointResponse> {
  const { as, httpOptions } = ctx.server
  const tokenResponse = await oauth.authorizationCodeGrantRequest(
    as,
    ctx.client,
    ctx.clientAuth,
    callbackParameters,
    ctx.redirectUri,
    codeVerifier,
    httpOptions,
  )
  // With openid the ID token must come, and the library validates it and its nonce (Core §3.1.3.7).
  return oauth.processAuthorizationCodeResponse(
    as,
    ctx.client,
    tokenResponse,
    nonce === undefined ? undefined : { expectedNonce: nonce, requireIdToken: true },
  )
}

function tokenErrorPage(error: unknown): Html {
  if (error instanceof oauth.ResponseBodyError) {
    return errorPage(`The authorization server refused the code: ${error.error}`, error.error_description)
  }
  // RFC 6749 §5.2: failed client authentication answers 401 with a WWW-Authenticate challenge.
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return errorPage(
      `The authorization server did not accept this app's client credentials (HTTP ${error.status}).`,
    )
  }
  return errorPage('The token request to the authorization server failed.')
}

async function callback(
  ctx: AppContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const id = readSessionId(request.headers.cookie)
  const session = id === undefined ? undefined : ctx.sessions.get(id)
  // A stray or forged callback must not end a signed-in session, so only a pending sign-in is touched.
  if (id === undefined || session?.kind !== 'pending') {
    send(response, 400, 'Sign-in failed', errorPage('No sign-in is in progress in this browser.'))
    return
  }
  // Single use: whatever the outcome, this sign-in attempt is over.
  ctx.sessions.delete(id)
  const cleared = { 'Set-Cookie': expiredSessionCookie(ctx.secureCookie) }
  let callbackParameters: URLSearchParams
  try {
    // RFC 6749 §10.12 and RFC 9207 §2.4: state must be ours and iss the issuer we sent the user to, before anything else.
    callbackParameters = oauth.validateAuthResponse(
      ctx.server.as,
      ctx.client,
      url.searchParams,
      session.state,
    )
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      const page =
        error.error === 'access_denied'
          ? errorPage('You denied access.')
          : errorPage(`The authorization server returned an error: ${error.error}`, error.error_description)
      send(response, 400, 'Sign-in failed', page, cleared)
      return
    }
    const page = errorPage(
      'This response does not belong to the sign-in started in this browser.',
      error instanceof Error ? error.message : undefined,
    )
    send(response, 400, 'Sign-in failed', page, cleared)
    return
  }
  let tokens: oauth.TokenEndpointResponse
  let person: Person | undefined
  try {
    tokens = await exchangeCode(ctx, callbackParameters, session.codeVerifier, session.nonce)
    person = session.nonce === undefined ? undefined : await personOf(ctx.server, ctx.client, tokens)
  } catch (error) {
    // Only the error text: a library error's cause may hold the token response, which must never reach a log.
    console.error(
      `web-app: token request failed: ${error instanceof Error ? error.message : 'unknown error'}`,
    )
    send(response, 502, 'Sign-in failed', tokenErrorPage(error), cleared)
    return
  }
  // A new session id once signed in, so an id planted before sign-in is worthless (session fixation).
  const signedIn = ctx.sessions.create({
    kind: 'signed-in',
    tokens: {
      accessToken: tokens.access_token,
      tokenType: tokens.token_type,
      ...(tokens.expires_in === undefined ? {} : { expiresIn: tokens.expires_in }),
      ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
      ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
    },
    ...(person === undefined ? {} : { person }),
    ...(tokens.id_token === undefined ? {} : { idToken: tokens.id_token }),
  })
  // Redirecting also takes the code out of the address bar and the browser history.
  redirect(response, '/', sessionCookie(signedIn, ctx.secureCookie))
}

async function signOut(ctx: AppContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const id = readSessionId(request.headers.cookie)
  const session = id === undefined ? undefined : ctx.sessions.get(id)
  if (id !== undefined) ctx.sessions.delete(id)
  // Forgetting the app's session alone would leave the Keyward session signed in, and the next "Sign in" would
  // pass without a password: the browser also ends that one (RP-Initiated Logout 1.0 §2).
  const endSession =
    session?.kind === 'signed-in' && session.idToken !== undefined
      ? endSessionUrl(ctx.server, ctx.client.client_id, session.idToken, ctx.postLogoutRedirectUri)
      : undefined
  redirect(response, endSession?.href ?? '/', expiredSessionCookie(ctx.secureCookie))
}

const STYLESHEET = readFileSync(new URL('../example.css', import.meta.url))

const stylesheet: Handler = async (_ctx, _request, response) => {
  response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/css; charset=utf-8' }).end(STYLESHEET)
}

const ROUTES: ReadonlyMap<string, ReadonlyMap<string, Handler>> = new Map([
  [
    '/',
    new Map([
      ['GET', home],
      ['POST', signIn],
    ]),
  ],
  ['/callback', new Map([['GET', callback]])],
  ['/logout', new Map([['POST', signOut]])],
  ['/example.css', new Map([['GET', stylesheet]])],
])

async function route(ctx: AppContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = URL.parse(request.url ?? '/', ctx.origin)
  if (url === null) {
    send(response, 400, 'Bad request', errorPage('This address cannot be read.'))
    return
  }
  const methods = ROUTES.get(url.pathname)
  if (methods === undefined) {
    send(response, 404, 'Not found', errorPage('There is no such page.'))
    return
  }
  const handler = methods.get(request.method ?? 'GET')
  if (handler === undefined) {
    const allow = [...methods.keys()].join(', ')
    send(response, 405, 'Method not allowed', errorPage(`Use ${allow}.`), { Allow: allow })
    return
  }
  // A form on another site must not sign someone in or out: browsers send Origin with every POST.
  if (
    request.method === 'POST' &&
    request.headers.origin !== undefined &&
    request.headers.origin !== ctx.origin
  ) {
    send(response, 403, 'Forbidden', errorPage('This form was not sent from this site.'))
    return
  }
  await handler(ctx, request, response, url)
}

export function createRequestListener(
  ctx: AppContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    route(ctx, request, response).catch((error: unknown) => {
      console.error(`web-app: ${error instanceof Error ? error.message : 'unknown error'}`)
      if (response.headersSent) {
        response.destroy()
        return
      }
      send(response, 500, 'Something went wrong', errorPage('The example app failed to handle this request.'))
    })
  }
}
