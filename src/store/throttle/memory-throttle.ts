import type { Clock } from '../../core/clock.ts'
import type { Throttle } from '../../core/ports/throttle.ts'

/** Most keys tracked at once: an attacker spraying keys evicts the oldest windows, not the server's memory. */
const MAX_KEYS = 100_000

/** Fixed-window attempt counts for a single node. */
export function memoryThrottle(clock: Clock): Throttle {
  const windows = new Map<string, { count: number; endsAt: number }>()
  const live = (key: string) => {
    const window = windows.get(key)
    if (window && window.endsAt <= clock.now().getTime()) {
      windows.delete(key)
      return undefined
    }
    return window
  }
  return {
    async hit(key, windowSeconds) {
      const window = live(key)
      if (window) {
        window.count += 1
        return window.count
      }
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value as string)
      windows.set(key, { count: 1, endsAt: clock.now().getTime() + windowSeconds * 1000 })
      return 1
    },
    async reset(key) {
      windows.delete(key)
    },
    async refund(key) {
      const window = live(key)
      if (window && window.count > 0) window.count -= 1
    },
  }
}
