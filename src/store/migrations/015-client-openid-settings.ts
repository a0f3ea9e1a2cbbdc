import type { Migration } from './migration.ts'

// OpenID Connect: a client's subject_type (Core §8: public or pairwise sub) and the algorithm its ID tokens are
// signed with (Registration §2 id_token_signed_response_alg). The defaults are what every existing client had.
export const clientOpenIdSettings: Migration = {
  name: '015-client-openid-settings',
  statements: [
    "ALTER TABLE clients ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'public'",
    "ALTER TABLE clients ADD COLUMN id_token_signed_response_alg TEXT NOT NULL DEFAULT 'RS256'",
  ],
}
