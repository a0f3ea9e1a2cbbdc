import { redirectUriDefectRule } from './rule.ts'

// RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
export const redirectUriFragment = redirectUriDefectRule('redirect-uri-fragment', 'fragment', (uri) => ({
  message: `Redirect URI ${uri} has a fragment, which RFC 6749 §3.1.2 forbids.`,
  fix: 'Remove the # and everything after it; read the response from the query string.',
}))
