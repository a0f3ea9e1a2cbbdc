import type { LintRule } from './rule.ts'
import { eachProfiledClient } from './rule.ts'

// FAPI 2.0 Security Profile §5.3.2.1: clients authenticate with keys (private_key_jwt; mTLS is not offered).
export const profileClientAuthentication: LintRule = {
  id: 'profile-client-authentication',
  check: (input) =>
    eachProfiledClient(input, (client, profile) =>
      profile.clientAuthenticationMethods.includes(client.tokenEndpointAuthMethod)
        ? null
        : {
            severity: 'error',
            clientId: client.id,
            message: `The ${profile.title} requires ${profile.clientAuthenticationMethods.join(' or ')}; this client uses ${client.tokenEndpointAuthMethod}.`,
            fix: `Register the client with --auth-method ${profile.clientAuthenticationMethods[0] ?? ''} and its public keys (--jwks).`,
          },
    ),
}
