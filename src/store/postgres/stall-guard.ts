import type pg from 'pg'

/** How much longer than the statement timeout a silent server is given before its connection is dropped. */
export const STALL_GRACE_MS = 1000

/**
 * Runs `query` on `client` and drops the connection if PostgreSQL has not answered within `ms`. statement_timeout
 * needs a live server; a server or network that stopped answering would hold the caller forever.
 */
export async function answeredWithin<T>(client: pg.Client, ms: number, query: () => Promise<T>): Promise<T> {
  const timer = setTimeout(
    () => client.connection.stream.destroy(new Error(`PostgreSQL did not answer within ${ms} ms`)),
    ms,
  )
  try {
    return await query()
  } finally {
    clearTimeout(timer)
  }
}
