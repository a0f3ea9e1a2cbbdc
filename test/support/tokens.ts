import assert from 'node:assert/strict'
import type { ClientRegistration } from '../../src/core/client-registration.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { Grant } from '../../src/core/model/grant.ts'
import {
  authorizeCode,
  type Browser,
  basicAuthorization,
  codeOf,
  newPkce,
  postToken,
  redeemCode,
  type TokenReply,
} from './flow.ts'
import type { TestServer } from './server.ts'

/** Where requests go: a test server in this process, or a child process (test/support/keyward-process.ts). */
type Issuer = Pick<TestServer, 'issuer'>

/** A client as the tests hold it: the record and the secret it was shown once (null for public clients). */
export interface RegisteredClient {
  readonly client: Client
  readonly secret: string | null
}

/** The tokens of a successful token response, in camelCase. */
export interface Tokens {
  readonly accessToken: string
  readonly refreshToken: string | undefined
  readonly scope: string
  readonly expiresIn: number
}

/** Headers and form fields that authenticate the client the way it is registered to (RFC 6749 §2.3.1). */
function authentication(registered: RegisteredClient): {
  headers: Record<string, string>
  form: Record<string, string>
} {
  const { client, secret } = registered
  if (secret === null) return { headers: {}, form: { client_id: client.id } }
  if (client.tokenEndpointAuthMethod === 'client_secret_post') {
    return { headers: {}, form: { client_id: client.id, client_secret: secret } }
  }
  return { headers: { authorization: basicAuthorization(client.id, secret) }, form: {} }
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

/** Asserts an RFC 6749 §5.2 error response. */
export function assertOAuthError(
  reply: { status: number; json: unknown },
  status: number,
  error: string,
): void {
  assert.equal(reply.status, status, JSON.stringify(reply.json))
  assert.equal((reply.json as { error?: unknown }).error, error, JSON.stringify(reply.json))
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
  const pkce = newPkce()
  const location = await authorizeCode(server, {
    client: registered.client,
    pkce,
    user,
    params: { scope },
    ...(browser ? { browser } : {}),
  })
  const reply = await redeemCode(server, {
    client: registered.client,
    secret: registered.secret,
    code: codeOf(location),
    verifier: pkce.verifier,
  })
  const tokens = tokensOf(reply)
  assert.ok(tokens.refreshToken, 'a client with refresh_token gets a refresh token')
  return { ...tokens, refreshToken: tokens.refreshToken }
}

/** A resource server: may introspect, and may get tokens for itself. */
export function resourceServer(
  server: TestServer,
  registration: Partial<ClientRegistration> = {},
): Promise<RegisteredClient> {
  return server.client({
    name: 'Orders API',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    canIntrospect: true,
    ...registration,
  })
}

/** A machine client of client_credentials only. */
export function serviceClient(
  server: TestServer,
  registration: Partial<ClientRegistration> = {},
): Promise<RegisteredClient> {
  return server.client({
    name: 'Billing job',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    ...registration,
  })
}

export interface FormReply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

/** POSTs a form to one of the issuer's endpoints, authenticated as `registered` when given. */
export async function postForm(
  server: Issuer,
  path: string,
  registered: RegisteredClient | null,
  form: Readonly<Record<string, string>>,
): Promise<FormReply> {
  const auth = registered === null ? { headers: {}, form: {} } : authentication(registered)
  const response = await fetch(`${server.issuer}${path}`, {
    method: 'POST',
    headers: auth.headers,
    body: new URLSearchParams({ ...form, ...auth.form }),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/** RFC 7009 §2.1 */
export function revoke(
  server: TestServer,
  registered: RegisteredClient | null,
  token: string,
  extra: Readonly<Record<string, string>> = {},
): Promise<FormReply> {
  return postForm(server, '/revoke', registered, { token, ...extra })
}

/** RFC 7662 §2.1: the raw reply, for tests that compare the body byte for byte. */
export function introspectRaw(
  server: Issuer,
  registered: RegisteredClient,
  token: string,
): Promise<FormReply> {
  return postForm(server, '/introspect', registered, { token })
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

/** The one grant the user has, as the store keeps it. */
export async function onlyGrantOf(server: TestServer, userId: string): Promise<Grant> {
  const grants = await server.core.stores.grants.listByUser(userId)
  assert.equal(grants.length, 1, 'the user has exactly one grant')
  return grants[0] as Grant
}
