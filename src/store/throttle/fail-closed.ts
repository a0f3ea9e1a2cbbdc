import { TemporarilyUnavailable } from '../../core/index.ts'

/**
 * A command for the shared throttle or replay cache, failing closed and at once: what Redis cannot count or
 * check is refused with 503 temporarily_unavailable, never let through (README, Redis).
 */
export async function failClosed<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command()
  } catch (error) {
    throw new TemporarilyUnavailable('This service is briefly unavailable. Try again in a moment.', {
      cause: error,
    })
  }
}
