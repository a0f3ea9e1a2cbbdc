import { randomBytes, randomInt } from 'node:crypto'
import { Agent } from 'node:http'
import { formOn, newPkce } from '../test/support/flow.ts'
import { formPost, type HttpRequest, type HttpResponse, send, tokenField } from './http.ts'
import type { FlowAccount } from './server.ts'

/** A browser's cookies, by name; each step's Set-Cookie lines update it. */
type CookieJar = Map<string, string>

function withCookies(request: HttpRequest, jar: CookieJar): HttpRequest {
  if (jar.size === 0) return request
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  return { ...request, headers: { ...request.headers, cookie } }
}

async function browse(
  origin: string,
  request: HttpRequest,
  jar: CookieJar,
  agent: Agent,
): Promise<HttpResponse> {
  const response = await send(origin, withCookies(request, jar), agent)
  for (const line of response.headers['set-cookie'] ?? []) {
    const [pair = ''] = line.split(';')
    const equals = pair.indexOf('=')
    jar.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim())
  }
  return response
}

function postForm(path: string, fields: Readonly<Record<string, string>>): HttpRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }
}

/** The pages a person went through before Keyward sent the browser back with a code. */
interface Authorized {
  readonly code: string
  readonly verifier: string
  readonly pages: readonly string[]
}

/**
 * Walks the authorization request like a person would (RFC 6749 §4.1.1): signs in on the login page, allows
 * on the consent page, until Keyward redirects to the client with a code and the same state.
 */
async function authorize(
  origin: string,
  account: FlowAccount,
  jar: CookieJar,
  agent: Agent,
  extra: Readonly<Record<string, string>> = {},
): Promise<Authorized> {
  const pkce = newPkce()
  const state = randomBytes(12).toString('base64url')
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: account.client.id,
    redirect_uri: account.client.redirectUri,
    scope: 'read',
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  const pages: string[] = []
  let response = await browse(origin, { method: 'GET', path: `/authorize?${query}`, headers: {} }, jar, agent)
  while (pages.length < 3) {
    const location = response.headers.location
    if (location?.startsWith(account.client.redirectUri)) {
      const redirect = new URL(location)
      const code = redirect.searchParams.get('code')
      if (code === null || redirect.searchParams.get('state') !== state)
        throw new Error(`The authorization failed: ${location}`)
      return { code, verifier: pkce.verifier, pages }
    }
    const form = response.status === 200 ? formOn(response.body) : null
    if (form?.action === '/login') {
      const { username, password } = account.user
      response = await browse(origin, postForm('/login', { ...form.fields, username, password }), jar, agent)
    } else if (form?.action === '/consent') {
      response = await browse(
        origin,
        postForm('/consent', { ...form.fields, decision: 'approve' }),
        jar,
        agent,
      )
    } else {
      throw new Error(`The authorization stopped at HTTP ${response.status}: ${response.body.slice(0, 300)}`)
    }
    pages.push(form.action)
  }
  throw new Error(`The authorization went through ${pages.join(', ')} without ending`)
}

/** RFC 6749 §4.1.3: the code and its PKCE verifier (RFC 7636 §4.5) for tokens. */
function redeem(origin: string, account: FlowAccount, authorized: Authorized, agent: Agent): Promise<string> {
  const request = formPost('/token', account.client, {
    grant_type: 'authorization_code',
    code: authorized.code,
    code_verifier: authorized.verifier,
    redirect_uri: account.client.redirectUri,
  })
  return tokenField(origin, request, 'refresh_token', agent)
}

/**
 * A random address in 127.1.0.0/16 for each new browser, as if each were a different person, as sign-ins reach a
 * real server (Keyward counts sign-in failures per address). Linux answers for all of 127.0.0.0/8 on the
 * loopback interface.
 */
function sourceAddress(): string {
  return `127.1.${randomInt(256)}.${randomInt(1, 255)}`
}

/**
 * One whole authorization code flow by a new browser: authorize → login POST → consent POST → token.
 * prompt=consent asks again every time, since Keyward remembers the consent of earlier flows.
 */
export async function fullCodeFlow(origin: string, account: FlowAccount): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: sourceAddress() })
  try {
    const authorized = await authorize(origin, account, new Map(), agent, { prompt: 'consent' })
    if (authorized.pages.join(',') !== '/login,/consent')
      throw new Error(`The flow showed ${authorized.pages.join(', ') || 'no pages'}, not login and consent`)
    await redeem(origin, account, authorized, agent)
  } finally {
    agent.destroy()
  }
}

/**
 * `count` live refresh tokens, one grant each, for the rotation scenario to spend one per request: one browser
 * signs in and consents once, then runs the code flow again and again on its session.
 */
export async function issueRefreshTokens(
  origin: string,
  account: FlowAccount,
  count: number,
): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const jar: CookieJar = new Map()
  const tokens: string[] = []
  try {
    tokens.push(await redeem(origin, account, await authorize(origin, account, jar, agent), agent))
    const worker = async () => {
      while (tokens.length < count) {
        const authorized = await authorize(origin, account, jar, agent)
        if (authorized.pages.length > 0)
          throw new Error(`The signed-in browser was shown ${authorized.pages}`)
        tokens.push(await redeem(origin, account, authorized, agent))
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
    return tokens
  } finally {
    agent.destroy()
  }
}
