import { AsyncLocalStorage } from 'node:async_hooks'
import type { EventSink } from '../core/ports/events.ts'

/** The id of the HTTP request being handled (Fastify's `request.id`, the `reqId` of its log lines), if any. */
const currentRequest = new AsyncLocalStorage<string>()

/**
 * Runs `work`, and everything it goes on to do asynchronously, as part of request `id`. The HTTP layer calls it
 * around each handler: core emits events without knowing of requests, and the sink below finds the id here.
 */
export function duringRequest<T>(id: string, work: () => T): T {
  return currentRequest.run(id, work)
}

/**
 * Adds the request's id to each event emitted while one is handled, so that an operator can join an event (in the
 * log or at the webhook) to that request's log lines. Events outside a request (the CLI, a key rotation on a timer)
 * carry none.
 */
export function withRequestId(sink: EventSink): EventSink {
  return {
    emit(event) {
      const requestId = currentRequest.getStore()
      sink.emit(requestId === undefined ? event : { ...event, requestId })
    },
  }
}
