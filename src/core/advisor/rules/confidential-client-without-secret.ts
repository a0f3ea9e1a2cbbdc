import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 6749 §2.1: a confidential client is one that authenticates; without a secret anyone can act as it.
export const confidentialClientWithoutSecret: LintRule = {
  id: 'confidential-client-without-secret',
  check: (input) =>
    eachClient(input, (client) => {
      if (client.type !== 'confidential') return null
      // RFC 7523 §2.2: a key client proves itself with its keys, and has no secret.
      if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
        if (client.jwks !== null && ('jwksUri' in client.jwks || client.jwks.keys.length > 0)) return null
        return {
          severity: 'error',
          clientId: client.id,
          message: 'The client authenticates with private_key_jwt but has no registered public key.',
          fix: 'Register its public keys (a JWK set) with the client, or the https URL it publishes them at.',
        }
      }
      if (client.secretDigest === null) {
        return {
          severity: 'error',
          clientId: client.id,
          message:
            'The client is confidential but has no secret, so it cannot authenticate at the token endpoint.',
          fix: 'Generate a secret for the client, or make it public if it cannot keep one.',
        }
      }
      if (client.tokenEndpointAuthMethod === 'none') {
        return {
          severity: 'error',
          clientId: client.id,
          message:
            'The client is confidential but its token endpoint auth method is none, so its secret is never checked.',
          fix: 'Set the auth method to client_secret_basic (RFC 6749 §2.3.1).',
        }
      }
      return null
    }),
}
