import { redirectUriDefects } from '../../protocol/redirect-uri.ts'
import type { LintRule } from './rule.ts'
import { eachRedirectUri } from './rule.ts'

// RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
export const redirectUriFragment: LintRule = {
  id: 'redirect-uri-fragment',
  check: (input) =>
    eachRedirectUri(input, (uri, client) =>
      redirectUriDefects(uri).includes('fragment')
        ? {
            severity: 'error',
            clientId: client.id,
            message: `Redirect URI ${uri} has a fragment, which RFC 6749 §3.1.2 forbids.`,
            fix: 'Remove the # and everything after it; read the response from the query string.',
          }
        : null,
    ),
}
