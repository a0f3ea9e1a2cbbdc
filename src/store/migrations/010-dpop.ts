import type { Migration } from './migration.ts'

// RFC 9449 DPoP: a client may be required to bind its tokens (§5.2 dpop_bound_access_tokens); a code remembers
// the dpop_jkt of its authorization request (§10); refresh tokens of public clients (§5) and stored access tokens
// keep the thumbprint of the key they are bound to, which introspection reports as cnf.jkt. NULL: not bound.
export const dpop: Migration = {
  name: '010-dpop',
  statements: [
    'ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT',
    'ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT',
    'ALTER TABLE access_tokens ADD COLUMN dpop_jkt TEXT',
  ],
}
