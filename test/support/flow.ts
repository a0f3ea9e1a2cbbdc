import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import type { Client } from '../../src/core/model/client.ts'
import type { Grant } from '../../src/core/model/grant.ts'
import { type Issuer, type RegisteredClient, redeemCode, type Tokens, tokensOf } from './oauth-client.ts'
import type { TestServer } from './server.ts'

/** A PKCE pair (RFC 7636 §4.1, §4.2): the verifier the client keeps and the S256 challenge it sends. */
export interface Pkce {
  readonly verifier: string
  readonly challenge: string
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') }
}

/** One HTTP response as a test reads it. */
export interface Page {
  readonly status: number
  readonly headers: Headers
  readonly body: string
  readonly location: string | null
}

/**
 * A browser without a browser: fetch with a cookie jar that never follows redirects on its own, so each step
 * of the interaction can be looked at.
 */
export interface Browser {
  readonly cookies: Map<string, string>
  get(url: string): Promise<Page>
  post(url: string, form: Readonly<Record<string, string>>): Promise<Page>
}

/** `send` is where requests go out: fetch, or fetchFrom (source-address.ts) to come from another address. */
export function newBrowser(issuer: string, send: typeof fetch = fetch): Browser {
  const cookies = new Map<string, string>()
  async function request(url: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers)
    if (cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response = await send(new URL(url, issuer), { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const equals = pair.indexOf('=')
      cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim())
    }
    return {
      status: response.status,
      headers: response.headers,
      body: await response.text(),
      location: response.headers.get('location'),
    }
  }
  return {
    cookies,
    get: (url) => request(url, { method: 'GET' }),
    post: (url, form) => request(url, { method: 'POST', body: new URLSearchParams(form) }),
  }
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]
  return value?.replace(/&(amp|lt|gt|quot|#39);/g, (_, entity: string) => entities[entity] ?? '')
}

/** The first form of a page: where it posts, and its hidden fields with entities decoded. */
export function formOn(body: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/.exec(body)?.[0]
  if (form === undefined) return null
  const fields: Record<string, string> = {}
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(input, 'name')
    if (attribute(input, 'type') === 'hidden' && name !== undefined)
      fields[name] = attribute(input, 'value') ?? ''
  }
  return { action: attribute(form, 'action') ?? '', fields }
}

/** Submits the page's form with its hidden fields (CSRF token included) plus what the person fills in. */
export function submit(
  browser: Browser,
  page: Page,
  filled: Readonly<Record<string, string>>,
): Promise<Page> {
  const form = formOn(page.body)
  if (form === null) throw new Error(`No form on a ${page.status} page: ${page.body.slice(0, 300)}`)
  return browser.post(form.action, { ...form.fields, ...filled })
}

/** What the person does on the pages: sign in as `user` if asked, then approve or deny. */
export interface Person {
  readonly user?: { readonly username: string; readonly password: string }
  readonly consent?: 'approve' | 'deny'
}

/**
 * Follows an authorization request through the login and consent pages until Keyward sends the browser away,
 * and returns where to: the client's redirect URI with code, state and iss (or error).
 */
export async function followAuthorization(browser: Browser, start: string, person: Person): Promise<URL> {
  const issuer = new URL(start).origin
  let page = await browser.get(start)
  for (let step = 0; step < 5; step++) {
    if (page.location !== null) {
      const next = new URL(page.location, issuer)
      if (next.origin !== issuer) return next
      page = await browser.get(next.href)
      continue
    }
    const action = page.status === 200 ? formOn(page.body)?.action : undefined
    if (action === '/login' && person.user) {
      page = await submit(browser, page, { username: person.user.username, password: person.user.password })
    } else if (action === '/consent') {
      page = await submit(browser, page, { decision: person.consent ?? 'approve' })
    } else {
      throw new Error(`The authorization stopped at a ${page.status} page: ${page.body.slice(0, 500)}`)
    }
  }
  throw new Error('The authorization did not finish in five steps.')
}

/**
 * The query of a code request: response_type=code, client_id, the first registered redirect_uri and an S256
 * challenge, overridden by `params` (where undefined removes a parameter).
 */
export function codeRequest(
  client: Pick<Client, 'id' | 'redirectUris'>,
  pkce: Pkce,
  params: Readonly<Record<string, string | undefined>> = {},
): URLSearchParams {
  const merged: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUris[0],
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...params,
  }
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) query.set(name, value)
  return query
}

export interface AuthorizeCodeOptions extends Person {
  readonly client: Pick<Client, 'id' | 'redirectUris'>
  readonly pkce?: Pkce
  readonly params?: Readonly<Record<string, string | undefined>>
  /** Reuse a browser to keep its session and remembered consent; a fresh one otherwise. */
  readonly browser?: Browser
}

/** Runs the person's part of the code flow over HTTP and returns the final redirect (RFC 6749 §4.1.2). */
export function authorizeCode(server: { issuer: string }, options: AuthorizeCodeOptions): Promise<URL> {
  const browser = options.browser ?? newBrowser(server.issuer)
  const query = codeRequest(options.client, options.pkce ?? newPkce(), options.params)
  return followAuthorization(browser, `${server.issuer}/authorize?${query}`, options)
}

/** The code of a successful authorization response, or a failure that shows what came back instead. */
export function codeOf(location: URL): string {
  const code = location.searchParams.get('code')
  if (code === null) throw new Error(`No code in the redirect: ${location.href}`)
  return code
}

/**
 * A code the person grants `client` for `scope` in the browserless flow (signing in if asked), and the verifier
 * that redeems it. A `browser` that signed in before keeps its session and remembered consent.
 */
export async function issueCode(
  server: Issuer,
  options: {
    client: Pick<Client, 'id' | 'redirectUris'>
    user: Person['user']
    scope: string
    browser?: Browser | undefined
  },
): Promise<{ code: string; verifier: string }> {
  const { client, user, scope, browser } = options
  const pkce = newPkce()
  const location = await authorizeCode(server, {
    client,
    pkce,
    ...(user ? { user } : {}),
    params: { scope },
    ...(browser ? { browser } : {}),
  })
  return { code: codeOf(location), verifier: pkce.verifier }
}

/**
 * A person approves `scope` for the client in the browserless flow; the code is redeemed for tokens. A `browser`
 * that signed in before keeps its session, so the person is not asked for their password again.
 */
export async function grantTokens(
  server: Issuer,
  registered: RegisteredClient,
  user: { username: string; password: string },
  scope = 'read write',
  browser?: Browser,
): Promise<Tokens & { refreshToken: string }> {
  const { code, verifier } = await issueCode(server, { client: registered.client, user, scope, browser })
  const reply = await redeemCode(server, {
    client: registered.client,
    secret: registered.secret,
    code,
    verifier,
  })
  const tokens = tokensOf(reply)
  assert.ok(tokens.refreshToken, 'a client with refresh_token gets a refresh token')
  return { ...tokens, refreshToken: tokens.refreshToken }
}

/** The one grant the user has, as the store keeps it. */
export async function onlyGrantOf(server: TestServer, userId: string): Promise<Grant> {
  const grants = await server.core.stores.grants.listByUser(userId)
  assert.equal(grants.length, 1, 'the user has exactly one grant')
  return grants[0] as Grant
}
