/** A clock the test moves by hand. */
export interface FakeClock {
  now(): Date
  advance(seconds: number): void
}

export function fakeClock(start = new Date('2030-01-01T00:00:00Z')): FakeClock {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance: (seconds) => {
      current += seconds * 1000
    },
  }
}
