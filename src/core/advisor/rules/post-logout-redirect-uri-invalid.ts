import { redirectUriDefects } from '../../protocol/redirect-uri.ts'
import type { LintRule } from './rule.ts'

// OpenID Connect RP-Initiated Logout 1.0 §3.1: a post-logout redirect URI is registered like a redirect URI, and
// the same rules keep the person's browser, and the state it carries, on the client's own site or app.
export const postLogoutRedirectUriInvalid: LintRule = {
  id: 'post-logout-redirect-uri-invalid',
  check: (input) =>
    input.clients.flatMap((client) =>
      client.postLogoutRedirectUris.flatMap((uri) => {
        const defects = redirectUriDefects(uri)
        if (defects.length === 0) return []
        return {
          severity: 'error' as const,
          clientId: client.id,
          message: `Post-logout redirect URI ${uri} breaks the rules of redirect URIs (${defects.join(', ')}): it must be absolute, https (or http on loopback, or a private-use scheme), without fragment or wildcard.`,
          fix: 'Register the full https URI of the page the client shows after signing out, exactly as it sends it.',
        }
      }),
    ),
}
