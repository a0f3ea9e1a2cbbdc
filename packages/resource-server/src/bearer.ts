import { InvalidRequestError } from './errors.ts'

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

/**
 * The token from `Authorization: Bearer`, or undefined when the request carries no bearer credentials
 * (no header, or another scheme: RFC 6750 §3.1 then wants a challenge without an error code).
 */
export function bearerToken(authorization: string | undefined, url: string): string | undefined {
  // RFC 6750 §2.3, §5.3: tokens in URLs leak into logs and Referer, so that method is refused
  if (new URL(url, 'http://localhost').searchParams.has('access_token')) {
    throw new InvalidRequestError(
      'access tokens are not accepted in the query string; use the Authorization header',
    )
  }
  if (authorization === undefined || !/^bearer(?: |$)/i.test(authorization)) return undefined
  const match = BEARER_CREDENTIALS.exec(authorization.trimEnd())
  if (match === null)
    throw new InvalidRequestError('the Authorization header is not a well-formed Bearer credential')
  return match[1]
}
