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
