import { InvalidToken } from '../errors.ts'

/**
 * RFC 6750 §2.1: the token of an `Authorization: Bearer` header (the auth-scheme is case-insensitive, RFC 9110
 * §11.1). No header, or another scheme, is a request without a token (§3.1: a challenge without an error).
 */
export function bearerHeaderToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '')
    throw new InvalidToken('An access token is required (Authorization: Bearer).', true)
  const match = /^Bearer +(\S+)$/i.exec(header.trim())
  if (!match?.[1]) throw new InvalidToken('The Authorization header is not Bearer followed by a token.', true)
  return match[1]
}
