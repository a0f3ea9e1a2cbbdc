import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// RFC 6749 §5.2: every token request from this client would fail with unauthorized_client.
export const clientNoGrantTypes: LintRule = {
  id: 'client-no-grant-types',
  check: (input) =>
    eachClient(input, (client) =>
      client.grantTypes.length === 0
        ? {
            severity: 'error',
            clientId: client.id,
            message: 'The client has no grant types, so it can obtain no token.',
            fix: 'Give it the grant types of its kind (keyward advise suggests them), or delete the client.',
          }
        : null,
    ),
}
