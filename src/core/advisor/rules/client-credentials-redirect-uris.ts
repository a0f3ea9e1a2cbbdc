import { CLIENT_CREDENTIALS } from '../../protocol/grant-types.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 6749 §4.4: client credentials involve no browser, so redirect URIs only widen what the client can do.
export const clientCredentialsRedirectUris: LintRule = {
  id: 'client-credentials-redirect-uris',
  check: (input) =>
    eachClient(input, (client) =>
      client.grantTypes.includes(CLIENT_CREDENTIALS) && client.redirectUris.length > 0
        ? {
            severity: 'warning',
            clientId: client.id,
            message: 'A client_credentials client has redirect URIs, which that grant never uses.',
            fix: 'Remove the redirect URIs, or split the browser flow into its own client.',
          }
        : null,
    ),
}
