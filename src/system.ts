import { randomFillSync } from 'node:crypto'
import type { Clock } from './core/clock.ts'
import type { Random } from './core/random.ts'

// The real time and randomness, handed to the core by the edges (server, CLI).
export const systemClock: Clock = { now: () => new Date() }

export const cryptoRandom: Random = { bytes: (n) => randomFillSync(new Uint8Array(n)) }
