import type { Migration } from './migration.ts'

// RFC 9101 §10.5 require_signed_request_object: per client, whether its authorization requests must come as
// signed request objects. SQLite requires a default for a NOT NULL column it adds.
export const signedRequestObjects: Migration = {
  name: '016-signed-request-objects',
  statements: [
    'ALTER TABLE clients ADD COLUMN require_signed_request_object INTEGER NOT NULL DEFAULT 0 CHECK (require_signed_request_object IN (0, 1))',
  ],
}
