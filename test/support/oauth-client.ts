// The client side of the OAuth endpoints as the tests speak it: client authentication (RFC 6749 §2.3.1), token
// requests (§4, §6), revocation (RFC 7009) and introspection (RFC 7662), all as form POSTs to the issuer.
import assert from 'node:assert/strict'
import type { Client } from '../../src/core/model/client.ts'

/** Where requests go: a test server in this process, or a child process (test/support/keyward-process.ts). */
export interface Issuer {
  readonly issuer: string
}

/** A client as the tests hold it: the record and the secret it was shown once (null for public clients). */
export interface RegisteredClient {
  readonly client: Client
  readonly secret: string | null
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
export function basicAuthorization(id: string, secret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`
}

/** An endpoint's response with its body as text. */
export interface FormReply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

/** A token (or other JSON) endpoint's response with its JSON body. */
export interface TokenReply {
  readonly status: number
  readonly headers: Headers
  readonly json: Record<string, unknown>
}

/**
 * POSTs a form to one of the issuer's endpoints. `send` is where it goes out: fetch, or fetchFrom
 * (source-address.ts) to come from another address.
 */
export async function postForm(
  server: Issuer,
  path: string,
  form: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>> = {},
  send: typeof fetch = fetch,
): Promise<FormReply> {
  const response = await send(`${server.issuer}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/** `postForm` to an endpoint that answers JSON. */
export async function postJson(...request: Parameters<typeof postForm>): Promise<TokenReply> {
  const { status, headers, text } = await postForm(...request)
  return { status, headers, json: JSON.parse(text) as Record<string, unknown> }
}

/** POST /token as it is given: the form, and any headers (client authentication included). */
export function postToken(
  server: Issuer,
  form: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>> = {},
  send: typeof fetch = fetch,
): Promise<TokenReply> {
  return postJson(server, '/token', form, headers, send)
}

/** Headers and form fields that authenticate the client the way it is registered to (RFC 6749 §2.3.1). */
export function authentication(registered: RegisteredClient | null): {
  headers: Record<string, string>
  form: Record<string, string>
} {
  if (registered === null) return { headers: {}, form: {} }
  const { client, secret } = registered
  if (secret === null) return { headers: {}, form: { client_id: client.id } }
  if (client.tokenEndpointAuthMethod === 'client_secret_post') {
    return { headers: {}, form: { client_id: client.id, client_secret: secret } }
  }
  return { headers: { authorization: basicAuthorization(client.id, secret) }, form: {} }
}

/** POSTs a form to one of the issuer's endpoints, authenticated as `registered` when given. */
export function clientPost(
  server: Issuer,
  path: string,
  registered: RegisteredClient | null,
  form: Readonly<Record<string, string>>,
): Promise<FormReply> {
  const auth = authentication(registered)
  return postForm(server, path, { ...form, ...auth.form }, auth.headers)
}

/** A token request authenticated as `registered`. */
export function tokenRequest(
  server: Issuer,
  registered: RegisteredClient,
  form: Readonly<Record<string, string>>,
): Promise<TokenReply> {
  const auth = authentication(registered)
  return postToken(server, { ...form, ...auth.form }, auth.headers)
}

export function clientCredentials(
  server: Issuer,
  registered: RegisteredClient,
  scope?: string,
): Promise<TokenReply> {
  return tokenRequest(server, registered, {
    grant_type: 'client_credentials',
    ...(scope === undefined ? {} : { scope }),
  })
}

export function refresh(
  server: Issuer,
  registered: RegisteredClient,
  refreshToken: string,
  scope?: string,
): Promise<TokenReply> {
  return tokenRequest(server, registered, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...(scope === undefined ? {} : { scope }),
  })
}

/** Redeems a code, authenticating the way the client is registered to (RFC 6749 §4.1.3). */
export function redeemCode(
  server: Issuer,
  options: {
    client: Pick<Client, 'id' | 'redirectUris' | 'tokenEndpointAuthMethod'>
    secret: string | null
    code: string
    verifier: string
    redirectUri?: string
  },
): Promise<TokenReply> {
  const { client, secret } = options
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    code: options.code,
    code_verifier: options.verifier,
    redirect_uri: options.redirectUri ?? client.redirectUris[0] ?? '',
  }
  if (client.tokenEndpointAuthMethod === 'client_secret_basic' && secret !== null) {
    return postToken(server, form, { authorization: basicAuthorization(client.id, secret) })
  }
  const credentials =
    secret === null ? { client_id: client.id } : { client_id: client.id, client_secret: secret }
  return postToken(server, { ...form, ...credentials })
}

/** The tokens of a successful token response, in camelCase. */
export interface Tokens {
  readonly accessToken: string
  readonly refreshToken: string | undefined
  readonly scope: string
  readonly expiresIn: number
}

/** The tokens of a 200 response; anything else fails with the error the server gave. */
export function tokensOf(reply: TokenReply): Tokens {
  assert.equal(reply.status, 200, `expected tokens, got ${reply.status} ${JSON.stringify(reply.json)}`)
  const { access_token, refresh_token, scope, expires_in } = reply.json
  assert.equal(typeof access_token, 'string')
  assert.equal(typeof scope, 'string')
  assert.equal(typeof expires_in, 'number')
  assert.ok(refresh_token === undefined || typeof refresh_token === 'string')
  return {
    accessToken: access_token as string,
    refreshToken: refresh_token as string | undefined,
    scope: scope as string,
    expiresIn: expires_in as number,
  }
}

/** A successful token response (RFC 6749 §5.1): no-store, a Bearer access token, a refresh token, `scope`. */
export function assertBearerTokens(reply: TokenReply, scope: string): void {
  assert.equal(reply.status, 200, JSON.stringify(reply.json))
  assert.equal(reply.headers.get('cache-control'), 'no-store')
  assert.equal(reply.json.token_type, 'Bearer')
  assert.equal(reply.json.scope, scope)
  assert.equal(typeof reply.json.access_token, 'string')
  assert.equal(typeof reply.json.refresh_token, 'string')
}

/** Asserts an RFC 6749 §5.2 error response. */
export function assertOAuthError(
  reply: { status: number; json: unknown },
  status: number,
  error: string,
): void {
  assert.equal(reply.status, status, JSON.stringify(reply.json))
  assert.equal((reply.json as { error?: unknown }).error, error, JSON.stringify(reply.json))
}

/** RFC 7009 §2.1 */
export function revoke(
  server: Issuer,
  registered: RegisteredClient | null,
  token: string,
  extra: Readonly<Record<string, string>> = {},
): Promise<FormReply> {
  return clientPost(server, '/revoke', registered, { token, ...extra })
}

/** RFC 7662 §2.1: the raw reply, for tests that compare the body byte for byte. */
export function introspectRaw(
  server: Issuer,
  registered: RegisteredClient,
  token: string,
): Promise<FormReply> {
  return clientPost(server, '/introspect', registered, { token })
}

/** RFC 7662 §2.2: the parsed answer of a successful introspection. */
export async function introspect(
  server: Issuer,
  registered: RegisteredClient,
  token: string,
): Promise<Record<string, unknown>> {
  const reply = await introspectRaw(server, registered, token)
  assert.equal(reply.status, 200, reply.text)
  return JSON.parse(reply.text) as Record<string, unknown>
}
