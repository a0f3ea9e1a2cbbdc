import type { Migration } from './migration.ts'

// OpenID Connect Core §9 client_secret_jwt: the client's secret sealed under a key derived from the server's secret
// (an HMAC cannot be checked against a digest); NULL for every other client.
export const clientSecretJwt: Migration = {
  name: '017-client-secret-jwt',
  statements: ['ALTER TABLE clients ADD COLUMN encrypted_secret TEXT'],
}
