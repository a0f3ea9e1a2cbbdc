import type { Migration } from './migration.ts'

// OpenID Connect: a client's subject_type (Core §8: public or pairwise sub) and the algorithm its ID tokens are
// signed with (Registration §2 id_token_signed_response_alg), the defaults being what every existing client had;
// and the claims a code's authorization request put into its ID token (Core §5.5 `claims`), none before.
export const clientOpenIdSettings: Migration = {
  name: '015-client-openid-settings',
  statements: [
    "ALTER TABLE clients ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'public'",
    "ALTER TABLE clients ADD COLUMN id_token_signed_response_alg TEXT NOT NULL DEFAULT 'RS256'",
    "ALTER TABLE authorization_codes ADD COLUMN id_token_claims TEXT NOT NULL DEFAULT '[]'",
  ],
}
