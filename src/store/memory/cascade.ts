import type { Journal } from './journal.ts'
import { deleteWhere } from './scope.ts'
import type { Tables } from './tables.ts'

// The schema's ON DELETE CASCADE, written out: what hangs off a grant, a client or a user goes with it.

function deleteGrants(
  tables: Tables,
  journal: Journal,
  doomed: (grant: { clientId: string; userId: string }) => boolean,
) {
  for (const grant of [...tables.grants.values()]) {
    if (!doomed(grant)) continue
    journal.delete(tables.grants, grant.id)
    deleteWhere(journal, tables.codes, ({ code }) => code.grantId === grant.id)
    deleteWhere(journal, tables.refreshTokens, (token) => token.grantId === grant.id)
    deleteWhere(journal, tables.accessTokens, (token) => token.grantId === grant.id)
  }
}

export function deleteClient(tables: Tables, journal: Journal, id: string): boolean {
  if (!journal.delete(tables.clients, id)) return false
  deleteGrants(tables, journal, (grant) => grant.clientId === id)
  deleteWhere(journal, tables.codes, ({ code }) => code.clientId === id)
  deleteWhere(journal, tables.accessTokens, (token) => token.clientId === id)
  deleteWhere(journal, tables.consents, (consent) => consent.clientId === id)
  deleteWhere(journal, tables.deviceCodes, (code) => code.clientId === id)
  return true
}

export function deleteUser(tables: Tables, journal: Journal, id: string): boolean {
  if (!journal.delete(tables.users, id)) return false
  deleteGrants(tables, journal, (grant) => grant.userId === id)
  deleteWhere(journal, tables.codes, ({ code }) => code.userId === id)
  deleteWhere(journal, tables.consents, (consent) => consent.userId === id)
  deleteWhere(journal, tables.sessions, (session) => session.userId === id)
  deleteWhere(journal, tables.deviceCodes, (code) => code.userId === id)
  return true
}
