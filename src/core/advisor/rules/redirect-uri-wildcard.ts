import { redirectUriDefectRule } from './rule.ts'

// RFC 9700 §4.1.3: redirect URIs match by exact string comparison; patterns let attackers steal codes.
export const redirectUriWildcard = redirectUriDefectRule('redirect-uri-wildcard', 'wildcard', (uri) => ({
  message: `Redirect URI ${uri} contains a wildcard; Keyward compares redirect URIs exactly, and patterns open the door to code theft (RFC 9700 §4.1.3).`,
  fix: 'Register every exact redirect URI the client uses instead of a pattern.',
}))
