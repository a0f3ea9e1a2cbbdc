import { redirectUriDefects } from '../../protocol/redirect-uri.ts'
import type { LintRule } from './rule.ts'
import { eachRedirectUri } from './rule.ts'

// RFC 6749 §3.1.2: the redirection endpoint URI MUST be an absolute URI.
export const redirectUriInvalid: LintRule = {
  id: 'redirect-uri-invalid',
  check: (input) =>
    eachRedirectUri(input, (uri, client) =>
      redirectUriDefects(uri).includes('invalid')
        ? {
            severity: 'error',
            clientId: client.id,
            message: `Redirect URI ${uri} is not an absolute URI, so no authorization request can match it (RFC 6749 §3.1.2).`,
            fix: 'Register the full URI, with scheme and host, exactly as the client sends it.',
          }
        : null,
    ),
}
