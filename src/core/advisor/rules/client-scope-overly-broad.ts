import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// Past this many scopes, a client allowed all of them was probably not given a deliberate least-privilege list.
const broadAfter = 5

// RFC 9700 §2.3: restrict access token privileges to the minimum the client needs.
export const clientScopeOverlyBroad: LintRule = {
  id: 'client-scope-overly-broad',
  check: (input) => {
    if (input.scopes.length <= broadAfter) return []
    return eachClient(input, (client) =>
      input.scopes.every((scope) => client.scopes.includes(scope.name))
        ? {
            severity: 'info',
            clientId: client.id,
            message: `The client may request every one of the ${input.scopes.length} configured scopes.`,
            fix: 'Allow only the scopes this client needs, so a leaked token can do less (RFC 9700 §2.3).',
          }
        : null,
    )
  },
}
