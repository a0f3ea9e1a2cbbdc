import type { Clock } from '../../src/core/clock.ts'

/** A clock tests move by hand: nothing in a test waits for real time to pass. */
export interface TestClock extends Clock {
  advance(seconds: number): void
}

export function testClock(start = new Date('2026-01-01T00:00:00Z')): TestClock {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance: (seconds) => {
      current += seconds * 1000
    },
  }
}

/**
 * The real time, shifted by `offsetSeconds` (and by every `advance`): for races, where requests must read the
 * time as they do in production, and for a server whose clock is off.
 */
export function shiftedClock(offsetSeconds = 0): TestClock {
  let offset = offsetSeconds * 1000
  return {
    now: () => new Date(Date.now() + offset),
    advance: (seconds) => {
      offset += seconds * 1000
    },
  }
}
