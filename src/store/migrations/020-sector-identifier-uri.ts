import type { Migration } from './migration.ts'

// OpenID Connect Registration §2 sector_identifier_uri: the https URL whose host is a pairwise client's sector
// (Core §8.1), checked against its redirect URIs at registration; NULL for every client before it.
export const sectorIdentifierUri: Migration = {
  name: '020-sector-identifier-uri',
  statements: ['ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT'],
}
