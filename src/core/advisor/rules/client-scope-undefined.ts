import { isAdminScope } from '../../admin/scopes.ts'
import type { LintRule } from './rule.ts'
import { eachClient } from './rule.ts'

// A scope without a definition has no description for the consent page and means nothing to resource servers.
export const clientScopeUndefined: LintRule = {
  id: 'client-scope-undefined',
  check: (input) => {
    const defined = new Set(input.scopes.map((scope) => scope.name))
    return eachClient(input, (client) => {
      const undefinedScopes = client.scopes.filter((scope) => !defined.has(scope) && !isAdminScope(scope))
      if (undefinedScopes.length === 0) return null
      return {
        severity: 'warning',
        clientId: client.id,
        message: `The client may ask for ${undefinedScopes.join(', ')}, which no configured scope defines.`,
        fix: 'Define the scopes with a description users can understand, or remove them from the client.',
      }
    })
  },
}
