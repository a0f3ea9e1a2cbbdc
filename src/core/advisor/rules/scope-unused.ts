import type { LintRule } from './rule.ts'

// A scope no client may request is dead configuration, or a client is missing a scope it needs.
export const scopeUnused: LintRule = {
  id: 'scope-unused',
  check: ({ scopes, clients }) => {
    const used = new Set(clients.flatMap((client) => client.scopes))
    return scopes
      .filter((scope) => !used.has(scope.name))
      .map((scope) => ({
        severity: 'info',
        clientId: null,
        message: `The scope ${scope.name} is configured, but no client may request it.`,
        fix: 'Allow it for the clients that need it, or remove it from the configuration.',
      }))
  },
}
