import { redirectUriDefectRule } from './rule.ts'

// RFC 8252 §7.1: a native app's private-use scheme is a reverse domain name it controls; any other scheme is
// neither https nor one that only this app receives.
export const redirectUriScheme = redirectUriDefectRule('redirect-uri-scheme', 'scheme', (uri) => ({
  message: `Redirect URI ${uri} uses a scheme that is neither https nor a private-use (reverse domain name) scheme, so another app, or the browser itself, may receive the code (RFC 8252 §7.1).`,
  fix: 'Use https, or for a native app a scheme in reverse domain name order that the app owns, such as com.example.app:/callback.',
}))
