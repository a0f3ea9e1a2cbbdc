import { AsyncLocalStorage } from 'node:async_hooks'

/** When the operation being served (an HTTP request) was received, on the `performance.now()` clock. */
const arrival = new AsyncLocalStorage<number>()

/**
 * Runs `work`, and everything it goes on to do asynchronously, as an operation received at `receivedAt`
 * (`performance.now()`, read once the operation had arrived, never before). The HTTP layer calls it around each
 * handler.
 */
export function duringOperation<T>(receivedAt: number, work: () => T): T {
  return arrival.run(receivedAt, work)
}

/**
 * When the operation under way was received, or undefined outside one (the CLI, a sweep on a timer). A write
 * another process acknowledged before the operation was sent had committed by then: the SQLite change feed
 * (src/store/sqlite/driver.ts) lets such an operation reuse a check made since, instead of checking again.
 */
export function operationReceivedAt(): number | undefined {
  return arrival.getStore()
}
