import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { startWebApp, type WebApp } from '../../../examples/web-app/app.ts'
import { escapeHtml } from '../../../examples/web-app/html.ts'

const CLIENT_ID = 'web-app'
// Characters that RFC 6749 §2.3.1 makes the client form-urlencode inside Basic credentials.
const CLIENT_SECRET = 'se cr3t:with/odd+chars%'
const SCOPE = 'profile api:read'

interface IssuedCode {
  readonly clientId: string
  readonly redirectUri: string
  readonly codeChallenge: string
}

interface IssuedTokens {
  readonly accessToken: string
  readonly refreshToken: string
}

// A tiny authorization server: RFC 8414 metadata, an authorize route and a token route checking Basic auth and PKCE.
async function startFakeAuthorizationServer() {
  const authorizeRequests: URL[] = []
  const codes = new Map<string, IssuedCode>()
  const issued: IssuedTokens[] = []
  let tokenRequests = 0
  let issuer = ''
  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const random = () => randomBytes(32).toString('base64url')

  const readBody = async (request: IncomingMessage) => {
    let body = ''
    for await (const chunk of request) body += chunk
    return new URLSearchParams(body)
  }
  const decode = (text: string) => decodeURIComponent(text.replaceAll('+', ' '))
  const basicCredentials = (header: string | undefined) => {
    if (!header?.startsWith('Basic ')) return undefined
    const decoded = Buffer.from(header.slice(6), 'base64').toString()
    const colon = decoded.indexOf(':')
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) }
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', issuer)
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        ...headers,
      })
      response.end(JSON.stringify(body))
    }
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      })
      return
    }
    if (url.pathname === '/authorize') {
      authorizeRequests.push(url)
      const redirectUri = url.searchParams.get('redirect_uri') ?? ''
      const code = random()
      codes.set(code, {
        clientId: url.searchParams.get('client_id') ?? '',
        redirectUri,
        codeChallenge: url.searchParams.get('code_challenge') ?? '',
      })
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', url.searchParams.get('state') ?? '')
      back.searchParams.set('iss', issuer)
      response.writeHead(302, { Location: back.href })
      response.end()
      return
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      tokenRequests += 1
      const form = await readBody(request)
      const client = basicCredentials(request.headers.authorization)
      if (client?.id !== CLIENT_ID || client.secret !== CLIENT_SECRET) {
        json(401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic' })
        return
      }
      const code = codes.get(form.get('code') ?? '')
      codes.delete(form.get('code') ?? '')
      const verifier = form.get('code_verifier') ?? ''
      const challenge = createHash('sha256').update(verifier).digest('base64url')
      if (
        form.get('grant_type') !== 'authorization_code' ||
        code === undefined ||
        code.clientId !== client.id ||
        code.redirectUri !== form.get('redirect_uri') ||
        code.codeChallenge !== challenge
      ) {
        json(400, {
          error: 'invalid_grant',
          error_description: 'code, redirect_uri or code_verifier is wrong',
        })
        return
      }
      const now = Math.floor(Date.now() / 1000)
      const header = { alg: 'ES256', typ: 'at+jwt', kid: 'key-1' }
      const payload = {
        iss: issuer,
        sub: 'alice',
        aud: 'https://api.example',
        client_id: CLIENT_ID,
        scope: SCOPE,
      }
      const tokens = {
        accessToken: `${base64url(header)}.${base64url({ ...payload, iat: now, exp: now + 600, jti: random() })}.${random()}`,
        refreshToken: random(),
      }
      issued.push(tokens)
      json(200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: 600,
        scope: SCOPE,
        refresh_token: tokens.refreshToken,
      })
      return
    }
    json(404, { error: 'not_found' })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    issuer,
    authorizeRequests,
    issued,
    tokenRequests: () => tokenRequests,
    close: async () => {
      server.close()
      server.closeIdleConnections()
      await once(server, 'close')
    },
  }
}

type FakeAuthorizationServer = Awaited<ReturnType<typeof startFakeAuthorizationServer>>

// A tiny resource server: /profile accepts any bearer token, /notes refuses it for a missing scope (RFC 6750 §3.1).
async function startFakeApi() {
  const requests: string[] = []
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url} ${request.headers.authorization}`)
    if (request.url === '/profile') {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ subject: 'alice', client_id: CLIENT_ID, scopes: SCOPE.split(' ') }))
      return
    }
    response.writeHead(403, {
      'Content-Type': 'application/json',
      'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", scope="read"',
    })
    response.end(JSON.stringify({ error: 'insufficient_scope', error_description: 'read is required' }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      if (!server.listening) return
      server.close()
      server.closeIdleConnections()
      await once(server, 'close')
    },
  }
}

function cookieOf(response: Response): string {
  const [cookie] = response.headers.getSetCookie()
  assert.ok(cookie, 'a Set-Cookie header')
  return cookie.split(';')[0]!
}

describe('example web app (authorization code + PKCE, confidential client)', () => {
  let as: FakeAuthorizationServer
  let app: WebApp

  before(async () => {
    as = await startFakeAuthorizationServer()
    app = await startWebApp({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      port: 0,
      scope: SCOPE,
    })
  })
  after(async () => {
    await app.close()
    await as.close()
  })

  const get = (path: string, cookie?: string) =>
    fetch(new URL(path, app.url), { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } })
  const post = (path: string, cookie?: string, origin = new URL(app.url).origin) =>
    fetch(new URL(path, app.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { origin, ...(cookie === undefined ? {} : { cookie }) },
    })

  // Sign in and follow the authorization server's redirect back; returns the callback URL and the pending cookie.
  async function startSignIn() {
    const signIn = await post('/')
    assert.equal(signIn.status, 303)
    const authorizeUrl = signIn.headers.get('location')!
    assert.ok(authorizeUrl.startsWith(`${as.issuer}/authorize?`))
    const authorize = await fetch(authorizeUrl, { redirect: 'manual' })
    assert.equal(authorize.status, 302)
    return { signIn, callbackUrl: new URL(authorize.headers.get('location')!), cookie: cookieOf(signIn) }
  }

  test('GET / offers the sign-in button with strict security headers', async () => {
    const response = await get('/')
    assert.equal(response.status, 200)
    const page = await response.text()
    assert.match(page, /<form method="post" action="\/"><button type="submit">Sign in with Keyward<\/button>/)
    assert.doesNotMatch(page, /<script|<style| style=/)
    assert.match(response.headers.get('content-security-policy') ?? '', /^default-src 'self'/)
    assert.equal(response.headers.get('referrer-policy'), 'same-origin')
  })

  test('signs in with a PKCE S256 authorization request and shows the access token claims, never a token', async () => {
    const before = as.tokenRequests()
    const { signIn, callbackUrl, cookie: pendingCookie } = await startSignIn()

    const [setCookie] = signIn.headers.getSetCookie()
    assert.match(setCookie ?? '', /; HttpOnly(;|$)/)
    assert.match(setCookie ?? '', /; SameSite=Lax(;|$)/)
    const authorize = as.authorizeRequests.at(-1)!.searchParams
    assert.equal(authorize.get('response_type'), 'code')
    assert.equal(authorize.get('client_id'), CLIENT_ID)
    assert.equal(authorize.get('redirect_uri'), app.redirectUri)
    assert.equal(app.redirectUri, `${app.url}/callback`)
    assert.match(app.url, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/)
    assert.equal(authorize.get('scope'), SCOPE)
    assert.equal(authorize.get('code_challenge_method'), 'S256')
    assert.match(authorize.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/)
    assert.match(authorize.get('state') ?? '', /^[A-Za-z0-9_-]{20,}$/)
    // The verifier and the secret stay on the server: nothing in the browser-facing request carries them.
    assert.ok(!authorize.has('code_verifier') && !authorize.has('client_secret'))
    assert.ok(!pendingCookie.includes(authorize.get('state')!))

    const callback = await get(`${callbackUrl.pathname}${callbackUrl.search}`, pendingCookie)
    assert.equal(callback.status, 303)
    assert.equal(callback.headers.get('location'), '/')
    assert.equal(callback.headers.get('referrer-policy'), 'same-origin')
    // The fake server answered the token request only because Basic auth and the PKCE verifier were right.
    assert.equal(as.tokenRequests(), before + 1)
    const tokens = as.issued.at(-1)!
    const signedInCookie = cookieOf(callback)
    assert.notEqual(signedInCookie, pendingCookie, 'a new session id after sign-in')
    assert.ok(!callback.headers.getSetCookie().join().includes(tokens.accessToken))

    const home = await get('/', signedInCookie)
    const page = await home.text()
    assert.equal(home.status, 200)
    for (const claim of [
      '"typ": "at+jwt"',
      '"sub": "alice"',
      '"client_id": "web-app"',
      `"scope": "${SCOPE}"`,
    ]) {
      assert.ok(page.includes(escapeHtml(claim)), `the page shows ${claim}`)
    }
    assert.ok(page.includes(`Received: ${tokens.refreshToken.slice(0, 6)}…`))
    assert.ok(!page.includes(tokens.accessToken), 'no access token in the page')
    assert.ok(!page.includes(tokens.accessToken.split('.')[2]!), 'no signature in the page')
    assert.ok(!page.includes(tokens.refreshToken), 'no refresh token in the page')
    assert.ok(!page.includes(CLIENT_SECRET) && !page.includes(escapeHtml(CLIENT_SECRET)), 'no client secret')
    assert.match(page, /<form method="post" action="\/logout"><button type="submit">Sign out<\/button>/)

    // The session id the browser held before sign-in is worthless now, and the code cannot be replayed.
    assert.match(await (await get('/', pendingCookie)).text(), /Sign in with Keyward/)
    const replay = await get(`${callbackUrl.pathname}${callbackUrl.search}`, signedInCookie)
    assert.equal(replay.status, 400)
    assert.equal(as.tokenRequests(), before + 1)
    assert.match(
      await (await get('/', signedInCookie)).text(),
      /<h1>Signed in<\/h1>/,
      'a stray callback keeps the session',
    )

    const signOut = await post('/logout', signedInCookie)
    assert.equal(signOut.status, 303)
    assert.match(signOut.headers.getSetCookie()[0] ?? '', /Max-Age=0/)
    assert.match(await (await get('/', signedInCookie)).text(), /Sign in with Keyward/)
  })

  test('refuses a callback whose state is not the one it sent, without redeeming the code', async () => {
    const before = as.tokenRequests()
    const { callbackUrl, cookie } = await startSignIn()
    callbackUrl.searchParams.set('state', 'attacker-state')
    const response = await get(`${callbackUrl.pathname}${callbackUrl.search}`, cookie)
    assert.equal(response.status, 400)
    assert.match(await response.text(), /does not belong to the sign-in started in this browser/)
    assert.equal(as.tokenRequests(), before)
  })

  test('refuses a callback from another issuer (RFC 9207 mix-up defence)', async () => {
    const before = as.tokenRequests()
    const { callbackUrl, cookie } = await startSignIn()
    callbackUrl.searchParams.set('iss', 'https://attacker.example')
    const response = await get(`${callbackUrl.pathname}${callbackUrl.search}`, cookie)
    assert.equal(response.status, 400)
    assert.equal(as.tokenRequests(), before)
  })

  test('refuses a callback without a sign-in in progress', async () => {
    const response = await get('/callback?code=abc&state=xyz')
    assert.equal(response.status, 400)
    assert.match(await response.text(), /No sign-in is in progress/)
  })

  test('shows a denial, and other errors with their description', async () => {
    const denied = await startSignIn()
    const deniedUrl = new URL('/callback', app.url)
    deniedUrl.search = new URLSearchParams({
      error: 'access_denied',
      state: denied.callbackUrl.searchParams.get('state')!,
      iss: as.issuer,
    }).toString()
    assert.match(await (await get(deniedUrl.href, denied.cookie)).text(), /You denied access/)

    const failed = await startSignIn()
    const failedUrl = new URL('/callback', app.url)
    failedUrl.search = new URLSearchParams({
      error: 'invalid_scope',
      error_description: 'scope <admin> is not allowed',
      state: failed.callbackUrl.searchParams.get('state')!,
      iss: as.issuer,
    }).toString()
    const page = await (await get(failedUrl.href, failed.cookie)).text()
    assert.ok(page.includes('invalid_scope'))
    assert.ok(page.includes('scope &lt;admin&gt; is not allowed'), 'the description is shown, escaped')
  })

  test('refuses a sign-in form posted from another site', async () => {
    const response = await post('/', undefined, 'https://attacker.example')
    assert.equal(response.status, 403)
    assert.equal(response.headers.get('location'), null)
  })

  test('shows the token endpoint refusal when the client secret is wrong', async () => {
    const wrong = await startWebApp({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: 'wrong',
      port: 0,
    })
    try {
      const signIn = await fetch(wrong.url, { method: 'POST', redirect: 'manual' })
      const authorize = await fetch(signIn.headers.get('location')!, { redirect: 'manual' })
      const callback = await fetch(authorize.headers.get('location')!, {
        redirect: 'manual',
        headers: { cookie: cookieOf(signIn) },
      })
      assert.equal(callback.status, 502)
      assert.match(await callback.text(), /did not accept this app&#39;s client credentials \(HTTP 401\)/)
    } finally {
      await wrong.close()
    }
  })

  test('calls the API server-side with the access token and shows what it answered', async () => {
    const api = await startFakeApi()
    const withApi = await startWebApp({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      port: 0,
      scope: SCOPE,
      apiUrl: api.url,
    })
    try {
      const signIn = await fetch(withApi.url, { method: 'POST', redirect: 'manual' })
      const authorize = await fetch(signIn.headers.get('location')!, { redirect: 'manual' })
      const callback = await fetch(authorize.headers.get('location')!, {
        redirect: 'manual',
        headers: { cookie: cookieOf(signIn) },
      })
      const cookie = cookieOf(callback)
      const page = await (await fetch(withApi.url, { headers: { cookie } })).text()
      const { accessToken } = as.issued.at(-1)!
      // RFC 6750 §2.1: the token went in the Authorization header, from the app's server.
      assert.deepEqual(api.requests.toSorted(), [
        `GET /notes Bearer ${accessToken}`,
        `GET /profile Bearer ${accessToken}`,
      ])
      assert.match(page, /<h3>GET \/profile<\/h3>\n<p>HTTP 200: the API accepted the token<\/p>/)
      assert.ok(page.includes(escapeHtml('"subject": "alice"')), 'the profile the API answered')
      assert.match(page, /<h3>GET \/notes<\/h3>\n<p>HTTP 403: the API refused the token<\/p>/)
      assert.ok(
        page.includes(escapeHtml('error="insufficient_scope", scope="read"')),
        'the challenge the API answered',
      )
      assert.ok(!page.includes(accessToken), 'no access token in the page')

      await api.close()
      const unreachable = await (await fetch(withApi.url, { headers: { cookie } })).text()
      assert.match(unreachable, /<h3>GET \/profile<\/h3>\n<p>No answer: it could not be reached.<\/p>/)
    } finally {
      await withApi.close()
      await api.close()
    }
  })

  test('refuses a plain http API that is not on loopback: the token would cross the network in clear text', async () => {
    await assert.rejects(
      startWebApp({
        issuer: as.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        port: 0,
        apiUrl: 'http://api.example',
      }),
      /must be https/,
    )
  })

  test('refuses a plain http issuer that is not on loopback', async () => {
    await assert.rejects(
      startWebApp({
        issuer: 'http://auth.example',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        port: 0,
      }),
      /must be https/,
    )
  })
})
