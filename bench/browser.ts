// What the code-flow scenarios need of a browser: cookies kept across requests, forms posted, redirects read.
// Keyward's pages (keyward-flow.ts) and the peer's (peer-flow.ts) are walked with it.
import { randomBytes } from 'node:crypto'
import { Agent } from 'node:http'
import { formPost, type HttpRequest, type HttpResponse, jsonOf, send } from './http.ts'
import type { CodeFlowTokens, FlowAccount, SignedInBrowser } from './server.ts'

/** A browser's cookies, by name; each step's Set-Cookie lines update it. Paths are not told apart. */
export type CookieJar = Map<string, string>

function withCookies(request: HttpRequest, jar: CookieJar): HttpRequest {
  if (jar.size === 0) return request
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  return { ...request, headers: { ...request.headers, cookie } }
}

/** RFC 6265 §5.3: a cookie set empty, with Max-Age 0 or an expiry in the past is deleted. */
function deletes(line: string, value: string): boolean {
  if (value === '' || /;\s*max-age=0/i.test(line)) return true
  const expires = /;\s*expires=([^;]+)/i.exec(line)?.[1]
  return expires !== undefined && Date.parse(expires) < Date.now()
}

/** Sends one request as a browser would: with the jar's cookies, keeping those the answer sets. */
export async function browse(
  origin: string,
  request: HttpRequest,
  jar: CookieJar,
  agent: Agent,
): Promise<HttpResponse> {
  const response = await send(origin, withCookies(request, jar), agent)
  for (const line of response.headers['set-cookie'] ?? []) {
    const [pair = ''] = line.split(';')
    const equals = pair.indexOf('=')
    const name = pair.slice(0, equals).trim()
    const value = pair.slice(equals + 1).trim()
    if (deletes(line, value)) jar.delete(name)
    else jar.set(name, value)
  }
  return response
}

export function getPage(path: string): HttpRequest {
  return { method: 'GET', path, headers: {} }
}

export function postForm(path: string, fields: Readonly<Record<string, string>>): HttpRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }
}

/** The code and its PKCE verifier (RFC 7636 §4.5) that an authorization request ended with. */
export interface Authorized {
  readonly code: string
  readonly verifier: string
}

/** RFC 6749 §4.1.3: the code redeemed at the token endpoint, and the tokens it gave. */
export async function redeem(
  origin: string,
  tokenPath: string,
  account: FlowAccount,
  authorized: Authorized,
  agent: Agent,
): Promise<CodeFlowTokens> {
  const request = formPost(tokenPath, account.client, {
    grant_type: 'authorization_code',
    code: authorized.code,
    code_verifier: authorized.verifier,
    redirect_uri: account.client.redirectUri,
  })
  const body = jsonOf(await send(origin, request, agent), `${tokenPath} for the code`)
  const text = (field: string) => (typeof body[field] === 'string' ? body[field] : null)
  const accessToken = text('access_token')
  if (accessToken === null) throw new Error(`${tokenPath} returned no access_token`)
  return { accessToken, idToken: text('id_token'), refreshToken: text('refresh_token') }
}

/** The code from the redirect back to the client, checked against the state sent (RFC 6749 §4.1.2). */
export function codeFrom(location: string, state: string): string {
  const redirect = new URL(location)
  const code = redirect.searchParams.get('code')
  if (code === null || redirect.searchParams.get('state') !== state)
    throw new Error(`The authorization failed: ${location}`)
  return code
}

/** OpenID Connect Core §3.1.2.1: a request for an ID token carries a nonce, which the ID token repeats. */
export const nonceFor = (scope: string): Record<string, string> =>
  scope.split(' ').includes('openid') ? { nonce: randomBytes(12).toString('base64url') } : {}

/** Code flows at once on one signed-in browser at most: its connections to the server. */
export const SIGNED_IN_CONNECTIONS = 16

/** One browser's connections and cookies. */
export interface BrowserState {
  readonly agent: Agent
  readonly jar: CookieJar
}

/**
 * Opens a browser and runs its first code flow (the sign-in and consent pages), then hands it back for flows on
 * its session; `flow` is told whether the browser is signed in already, when showing a page is an error.
 */
export async function openSignedIn(
  flow: (browser: BrowserState, signedIn: boolean) => Promise<CodeFlowTokens>,
): Promise<SignedInBrowser> {
  const browser = { agent: new Agent({ keepAlive: true, maxSockets: SIGNED_IN_CONNECTIONS }), jar: new Map() }
  try {
    await flow(browser, false)
  } catch (error) {
    browser.agent.destroy()
    throw error
  }
  return { codeFlow: () => flow(browser, true), close: () => browser.agent.destroy() }
}
