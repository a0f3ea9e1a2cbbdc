/** Time is injected so that core logic never reads the wall clock and tests can advance a fake one. */
export interface Clock {
  now(): Date
}

/** Whole seconds since the epoch, as JWT and RFC 7662 express times. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000)
}
