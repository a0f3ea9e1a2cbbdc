import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 6749 §2.1 and RFC 8252 §8.5: a public client cannot keep a secret, so a secret proves nothing.
export const publicClientWithSecret: LintRule = {
  id: 'public-client-with-secret',
  check: (input) =>
    eachClient(input, (client) => {
      if (client.type !== 'public') return null
      if (client.secretDigest === null && client.tokenEndpointAuthMethod === 'none') return null
      return {
        severity: 'error',
        clientId: client.id,
        message:
          client.secretDigest === null
            ? `The client is public but authenticates with ${client.tokenEndpointAuthMethod}, which needs a secret or key it cannot keep.`
            : 'The client is public but has a secret: every copy of a public client carries it, so it is not secret.',
        fix: 'Remove the secret and set the auth method to none; PKCE protects its codes instead (RFC 9700 §2.1.1).',
      }
    }),
}
