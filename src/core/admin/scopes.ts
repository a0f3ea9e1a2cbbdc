/**
 * The scopes of the admin API (/admin). They are Keyward's own, never the operator's: config.ts refuses them in
 * `scopes`, so that no client registered by the CLI, dynamic registration or a client ID metadata document can
 * ask for them; only `keyward admin create-client` gives a client these.
 */
export const ADMIN_READ = 'admin:read'
export const ADMIN_WRITE = 'admin:write'

export type AdminScope = typeof ADMIN_READ | typeof ADMIN_WRITE

export const ADMIN_SCOPE_DEFINITIONS = [
  { name: ADMIN_READ, description: 'Read clients, users, resources, grants, sessions and keys (admin API)' },
  { name: ADMIN_WRITE, description: 'Create, change and delete them (admin API)' },
] as const satisfies readonly { name: AdminScope; description: string }[]

export function isAdminScope(scope: string): scope is AdminScope {
  return scope === ADMIN_READ || scope === ADMIN_WRITE
}
