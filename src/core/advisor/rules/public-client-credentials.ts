import { CLIENT_CREDENTIALS } from '../../protocol/grant-types.ts'
import { mayUseClientCredentials } from '../../grants/client-credentials.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 6749 §4.4: the rule itself is mayUseClientCredentials.
export const publicClientCredentials: LintRule = {
  id: 'public-client-credentials',
  check: (input) =>
    eachClient(input, (client) =>
      client.grantTypes.includes(CLIENT_CREDENTIALS) && !mayUseClientCredentials(client.type)
        ? {
            severity: 'error',
            clientId: client.id,
            message:
              'A public client has client_credentials: anyone holding the app could get tokens in its name (RFC 6749 §4.4).',
            fix: 'Remove client_credentials, or move the work to a confidential service client on a backend.',
          }
        : null,
    ),
}
