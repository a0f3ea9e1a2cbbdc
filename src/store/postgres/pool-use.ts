import type pg from 'pg'
import type { ConnectionUse } from '../../core/ports/stores.ts'

/** What the driver tells the tally besides the pool's own events: the failures only checking out can see. */
export interface PoolTally {
  /** A checked-out connection failed (pg gives checked-out clients no 'error' to the pool). */
  lost(): void
  /** `pool.connect()` rejected: the connection could not be opened, or none came free in time. */
  acquireFailed(): void
  use(): ConnectionUse
}

/**
 * Counts what pg's pool does not: connections opened (its 'connect' event), lost while idle (its 'error' event,
 * which must have a listener or it ends the process) or while checked out, and failed acquisitions. The gauges are
 * the pool's own counts, read when asked.
 */
export function tallyPool(pool: pg.Pool, max: number): PoolTally {
  let opened = 0
  let lost = 0
  let acquireFailures = 0
  pool.on('connect', () => opened++)
  // An idle connection that the server drops is discarded by the pool; the next query opens a new one.
  pool.on('error', () => lost++)
  return {
    lost: () => lost++,
    acquireFailed: () => acquireFailures++,
    use: () => ({
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max,
      opened,
      lost,
      acquireFailures,
    }),
  }
}
