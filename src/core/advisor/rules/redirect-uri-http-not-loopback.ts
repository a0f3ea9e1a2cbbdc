import { redirectUriDefectRule } from './rule.ts'

// RFC 6749 §3.1.2.1 and RFC 9700 §4.1: codes must not cross the network in clear; RFC 8252 §7.3 allows loopback.
export const redirectUriHttpNotLoopback = redirectUriDefectRule(
  'redirect-uri-http-not-loopback',
  'http-not-loopback',
  (uri) => ({
    message: `Redirect URI ${uri} uses plain http off the local machine, so the authorization code travels unencrypted (RFC 6749 §3.1.2.1).`,
    fix: 'Use https, or for a native app a loopback address (http://127.0.0.1) or a private-use scheme (RFC 8252 §7).',
  }),
)
