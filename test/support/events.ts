import assert from 'node:assert/strict'
import type { EventSink, SecurityEvent } from '../../src/core/ports/events.ts'
import type { LogoutNotice, LogoutNotifier } from '../../src/core/ports/logout-notifier.ts'

/** A security event as a log line carries it (src/events/log-events.ts): pino's fields plus the event's. */
export type LoggedEvent = Readonly<Record<string, unknown>> & { readonly event: string }

/** What pino adds to every line; the rest of a line is the event's own. */
const PINO_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg'])

/** The security events among log lines: the JSON lines that have an `event` field. Other lines are skipped. */
export function securityEvents(lines: readonly string[]): LoggedEvent[] {
  const events: LoggedEvent[] = []
  for (const line of lines.flatMap((chunk) => chunk.split('\n'))) {
    if (!line.startsWith('{')) continue
    const parsed = JSON.parse(line) as Record<string, unknown>
    if (typeof parsed.event === 'string') events.push(parsed as LoggedEvent)
  }
  return events
}

/** The security events of one name among log lines. */
export function eventsNamed(lines: readonly string[], name: string): LoggedEvent[] {
  return securityEvents(lines).filter((event) => event.event === name)
}

/**
 * Asserts that exactly one event of this name matches `fields` (the ids that tell it apart), and that it carries
 * exactly `fields` besides pino's own (level, time, pid, hostname, name, msg): no other value, secret or not.
 */
export function assertOneEvent(
  events: readonly LoggedEvent[],
  fields: Readonly<Record<string, string>> & { readonly event: string },
): LoggedEvent {
  const matching = events.filter((event) =>
    Object.entries(fields).every(([key, value]) => event[key] === value),
  )
  assert.equal(matching.length, 1, `one ${JSON.stringify(fields)} in ${JSON.stringify(events, null, 1)}`)
  const [only] = matching as [LoggedEvent]
  // The request id (emitted during a request) is checked where it is the subject: test/http/security-events.test.ts.
  const own = Object.fromEntries(
    Object.entries(only).filter(
      ([key]) => !PINO_FIELDS.has(key) && !(key === 'requestId' && !('requestId' in fields)),
    ),
  )
  assert.deepEqual(own, fields, 'the event carries these fields and no others')
  assert.equal(only.msg, fields.event)
  return only
}

/** Asserts that none of the values (name → value) appears in the text, as is or URL-encoded. */
export function assertNoneLogged(logged: string, values: ReadonlyMap<string, string>): void {
  for (const [name, value] of values) {
    assert.ok(value.length >= 8, `the ${name} is long enough to be searched for`)
    assert.ok(!logged.includes(value), `the ${name} appears in the log`)
    assert.ok(!logged.includes(encodeURIComponent(value)), `the ${name} appears URL-encoded in the log`)
  }
}

/** An EventSink that keeps what it is given, for tests of core functions. */
export function recordingSink(): EventSink & { readonly events: SecurityEvent[] } {
  const events: SecurityEvent[] = []
  return { events, emit: (event) => events.push(event) }
}

/** A LogoutNotifier that keeps the notices it is given, for tests of core functions. */
export function recordingNotifier(): LogoutNotifier & { readonly notices: LogoutNotice[] } {
  const notices: LogoutNotice[] = []
  return { notices, notify: (given) => notices.push(...given) }
}

/** The method and path of the request whose log lines carry `reqId`, from its `incoming request` line. */
export function requestOf(lines: readonly string[], reqId: string): string | undefined {
  for (const line of lines.flatMap((chunk) => chunk.split('\n'))) {
    if (!line.startsWith('{')) continue
    const parsed = JSON.parse(line) as { reqId?: string; req?: { method: string; path: string } }
    if (parsed.reqId === reqId && parsed.req) return `${parsed.req.method} ${parsed.req.path}`
  }
  return undefined
}
