import { AUTHORIZATION_CODE, CLIENT_CREDENTIALS } from '../../protocol/grant-types.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 9700 §2.3: least privilege; one client acting both for users and as itself blurs whose token is whose.
export const clientCredentialsMixedWithCode: LintRule = {
  id: 'client-credentials-mixed-with-code',
  check: (input) =>
    eachClient(input, (client) =>
      client.grantTypes.includes(CLIENT_CREDENTIALS) && client.grantTypes.includes(AUTHORIZATION_CODE)
        ? {
            severity: 'warning',
            clientId: client.id,
            message:
              'The client mixes authorization_code and client_credentials, so it acts both for users and as ' +
              'itself with the same scopes and secret.',
            fix: 'Use two clients: one for the user-facing flow, one for machine-to-machine calls.',
          }
        : null,
    ),
}
