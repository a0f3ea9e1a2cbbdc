import type { Migration } from './migration.ts'

// RFC 7523 private_key_jwt: a client's public keys, as a JWK set in JSON; NULL for clients that use a secret or none.
export const clientJwks: Migration = {
  name: '006-client-jwks',
  statements: ['ALTER TABLE clients ADD COLUMN jwks TEXT'],
}
