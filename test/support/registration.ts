import type { Issuer, TokenReply } from './oauth-client.ts'

/** A request to the registration endpoint (RFC 7591 §3.1) or a client's configuration endpoint (RFC 7592 §2). */
export async function registrationRequest(
  server: Issuer,
  method: 'POST' | 'GET' | 'PUT' | 'DELETE',
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<TokenReply> {
  const response = await fetch(`${server.issuer}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  }
}

/** RFC 7591 §3.1: registers a client that describes itself. */
export function register(
  server: Issuer,
  metadata: unknown,
  initialAccessToken?: string,
): Promise<TokenReply> {
  return registrationRequest(server, 'POST', '/register', {
    body: metadata,
    ...(initialAccessToken === undefined ? {} : { token: initialAccessToken }),
  })
}

/** The metadata of a web application as a library would register it: a code flow with refresh tokens. */
export const webAppMetadata = {
  client_name: 'Dynamic web app',
  redirect_uris: ['https://dynamic.example/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid profile',
} as const
