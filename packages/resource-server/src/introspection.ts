import { InvalidTokenError, IssuerError } from './errors.ts'
import { fetchJson, isObject } from './fetch-json.ts'
import type { IntrospectionClient } from './options.ts'

/** RFC 6749 Appendix B: application/x-www-form-urlencoded encoding of one value. */
const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice('v='.length)

/** RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`
}

/** Asks the issuer about a token (RFC 7662 §2.1) and returns the claims of an active one. */
export async function introspect(
  token: string,
  endpoint: string,
  client: IntrospectionClient,
  timeoutMs: number,
): Promise<Readonly<Record<string, unknown>>> {
  const answer = await fetchJson(
    'introspection endpoint',
    endpoint,
    {
      method: 'POST',
      headers: {
        authorization: basicCredentials(client.clientId, client.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    },
    timeoutMs,
  )
  if (answer.status === 401 || answer.status === 403) {
    throw new IssuerError(
      `the introspection endpoint ${endpoint} rejected the client credentials of ${client.clientId} (HTTP ${answer.status})`,
    )
  }
  if (answer.status !== 200) {
    throw new IssuerError(`the introspection endpoint ${endpoint} answered HTTP ${answer.status}`)
  }
  const body = answer.body
  if (!isObject(body) || typeof body.active !== 'boolean') {
    throw new IssuerError(`the introspection endpoint ${endpoint} answered without a boolean active`)
  }
  // RFC 7662 §2.2: inactive covers expired, revoked, unknown and not meant for this caller
  if (!body.active) throw new InvalidTokenError('the access token is not active')
  // a refresh token is active too, but it is not a credential for an API; a DPoP-bound access token is one
  // (RFC 9449 §6.2), checked against its proof by the guard
  if (typeof body.token_type === 'string' && !['bearer', 'dpop'].includes(body.token_type.toLowerCase())) {
    throw new InvalidTokenError('the token is not an access token')
  }
  return body
}
