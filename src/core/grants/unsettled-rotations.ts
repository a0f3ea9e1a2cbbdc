import type { Digest } from '../protocol/digest.ts'

/** How long a client's retry of an unsettled rotation is told from reuse: retries come within seconds. */
const RETRY_WINDOW_MS = 10 * 60 * 1000
/** A bound on what a long database outage under load can make this node remember. */
const CAPACITY = 10_000

/**
 * The refresh tokens whose rotation failed on this node while it may have been landing (a database connection
 * lost mid-statement): the client was answered 503 and never saw the successor, so whether or not the rotation
 * committed, nobody holds that successor. The client's retry of such a token is a retry, not reuse. Kept in the
 * process's memory: the database that could record it is the one that failed.
 */
export interface UnsettledRotations {
  add(digest: Digest, at: Date): void
  /** Whether `digest` was added within the retry window. */
  has(digest: Digest, at: Date): boolean
  /** Once a presentation of the token was answered (not with 503): one retry per failure. */
  forget(digest: Digest): void
}

export function unsettledRotations(): UnsettledRotations {
  // Insertion order is age order: the oldest entry is the first to go.
  const failedAt = new Map<Digest, number>()
  return {
    add(digest, at) {
      failedAt.delete(digest)
      failedAt.set(digest, at.getTime())
      for (const [oldest, time] of failedAt) {
        if (failedAt.size <= CAPACITY && at.getTime() - time < RETRY_WINDOW_MS) break
        failedAt.delete(oldest)
      }
    },
    has(digest, at) {
      const time = failedAt.get(digest)
      if (time === undefined) return false
      const age = at.getTime() - time
      return age >= 0 && age < RETRY_WINDOW_MS
    },
    forget(digest) {
      failedAt.delete(digest)
    },
  }
}
