import type { Migration } from './migration.ts'

// OpenID Connect logout: a client's post-logout redirect URIs (RP-Initiated Logout 1.0 §3.1, a JSON list like
// redirect_uris) and its back-channel logout URI and whether it needs the sid (Back-Channel Logout 1.0 §2.2).
// Clients registered before have none of them. And the sign-in that approved a device code (auth_time, sid),
// for the device's ID token and its logout; codes approved before have none.
export const clientLogout: Migration = {
  name: '011-client-logout',
  statements: [
    'ALTER TABLE device_codes ADD COLUMN auth_time BIGINT',
    'ALTER TABLE device_codes ADD COLUMN sid TEXT',
    "ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]'",
    'ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT',
    'ALTER TABLE clients ADD COLUMN backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0 ' +
      'CHECK (backchannel_logout_session_required IN (0, 1))',
  ],
}
