import { redirectUriDefects } from '../../protocol/redirect-uri.ts'
import type { LintRule } from './rule.ts'
import { eachRedirectUri } from './rule.ts'

// RFC 6749 §3.1.2.1 and RFC 9700 §4.1: codes must not cross the network in clear; RFC 8252 §7.3 allows loopback.
export const redirectUriHttpNotLoopback: LintRule = {
  id: 'redirect-uri-http-not-loopback',
  check: (input) =>
    eachRedirectUri(input, (uri, client) => {
      if (!redirectUriDefects(uri).includes('http-not-loopback')) return null
      return {
        severity: 'error',
        clientId: client.id,
        message: `Redirect URI ${uri} uses plain http off the local machine, so the authorization code travels unencrypted (RFC 6749 §3.1.2.1).`,
        fix: 'Use https, or for a native app a loopback address (http://127.0.0.1) or a private-use scheme (RFC 8252 §7).',
      }
    }),
}
