import pg from 'pg'
import { InvalidRequest, OAuthError, TemporarilyUnavailable } from '../../core/index.ts'

/**
 * SQLSTATEs (PostgreSQL Appendix A) that say the connection or the server failed, not the statement: class 08
 * (connection exception), 57P01-57P03 (administrator or crash shutdown, cannot connect now), 57014 (statement
 * timeout) and 53300 (too many connections).
 */
function isUnavailable(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '57014', '53300'].includes(code)
}

/** 22021 (invalid byte sequence: a NUL in text) and 22P05 (untranslatable character): input it cannot hold. */
const UNSTORABLE = new Set(['22021', '22P05'])

/** The database could not be reached or did not answer: the caller may try again shortly. */
export function unavailable(cause: unknown): TemporarilyUnavailable {
  return new TemporarilyUnavailable('The database is unavailable; try again shortly.', { cause })
}

/**
 * A statement's error as the core should see it: connection-level failures (or any failure on a connection
 * already lost) as temporarily_unavailable, unstorable input as invalid_request, everything else unchanged, so
 * that a real bug (a syntax error, a constraint violation) still surfaces as one.
 */
export function translated(error: unknown, lost: Error | undefined): unknown {
  if (error instanceof OAuthError) return error
  // Only the server's own errors carry a SQLSTATE; socket errors have codes like ECONNRESET instead.
  const code = error instanceof pg.DatabaseError ? error.code : undefined
  if (code !== undefined && UNSTORABLE.has(code))
    return new InvalidRequest('A parameter holds a character that cannot be stored.', { cause: error })
  if (code !== undefined && isUnavailable(code)) return unavailable(error)
  if (lost !== undefined) return unavailable(lost)
  return error
}

/**
 * A COMMIT cut off by a lost connection may have landed before the connection went: the log says so, since the
 * client can only retry. (A refresh rotation is no transaction but one statement, whose failure the core
 * remembers so that the client's retry is not taken for reuse: src/core/grants/unsettled.ts.)
 */
export function commitOutcomeUnknown(error: TemporarilyUnavailable): TemporarilyUnavailable {
  return unavailable(
    new Error('The connection was lost during COMMIT: whether the transaction committed is unknown.', {
      cause: error.cause,
    }),
  )
}
