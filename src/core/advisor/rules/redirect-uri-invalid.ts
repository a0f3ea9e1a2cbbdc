import { redirectUriDefectRule } from './rule.ts'

// RFC 6749 §3.1.2: the redirection endpoint URI MUST be an absolute URI.
export const redirectUriInvalid = redirectUriDefectRule('redirect-uri-invalid', 'invalid', (uri) => ({
  message: `Redirect URI ${uri} is not an absolute URI, so no authorization request can match it (RFC 6749 §3.1.2).`,
  fix: 'Register the full URI, with scheme and host, exactly as the client sends it.',
}))
