import type { Logger } from 'pino'
import type { EventSink, SecurityEventName } from '../core/ports/events.ts'

/** Events that mean something went wrong or was refused: logged as warnings, the rest as information. */
const WARNINGS: ReadonlySet<SecurityEventName> = new Set([
  'sign_in_failed',
  'sign_in_throttled',
  'client_authentication_failed',
  'client_authentication_throttled',
  'user_code_throttled',
  'refresh_token_reused',
  'authorization_code_reused',
  'client_registration_refused',
  'registration_throttled',
])

/** Security events as structured log lines, one per event, with an `event` field to filter and alert on. */
export function logEvents(logger: Logger): EventSink {
  return {
    emit(event) {
      if (WARNINGS.has(event.event)) logger.warn(event, event.event)
      else logger.info(event, event.event)
    },
  }
}

/** One sink that hands each event to every one given (the log, the metrics' tally, the webhook), in order. */
export function eventsTo(...sinks: readonly (EventSink | undefined)[]): EventSink {
  const present = sinks.filter((sink) => sink !== undefined)
  return {
    emit(event) {
      for (const sink of present) sink.emit(event)
    },
  }
}
