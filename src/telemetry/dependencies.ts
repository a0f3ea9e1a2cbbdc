import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api'
import { isTracingSuppressed } from '@opentelemetry/core'
import { subscribe, type TracingChannel, tracingChannel, unsubscribe } from 'node:diagnostics_channel'
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { CommandTraceContext } from 'ioredis'
import { statementChannel, type StatementMessage } from '../store/sql/statement-channel.ts'

/** What a failure is, for `error.type`: its code (`ECONNREFUSED`, a SQLSTATE) or its class, never its message. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' || typeof code === 'number') return String(code)
  return error instanceof Error ? error.name : 'unknown'
}

/**
 * A client span for each call published on `channel`, a child of the span active where the call was made, ended
 * when its promise settles (or its function throws). Returns the unsubscription.
 */
function spanEachCall<Message extends object>(
  channel: TracingChannel<unknown, Message>,
  tracer: Tracer,
  describe: (message: Message) => { readonly name: string; readonly attributes: Attributes },
): () => void {
  const spans = new WeakMap<object, Span>()
  const finish = (message: Message) => {
    const span = spans.get(message)
    if (span === undefined) return
    spans.delete(message)
    if ('error' in message) {
      span.setStatus({ code: SpanStatusCode.ERROR })
      span.setAttribute('error.type', errorType(message.error))
    }
    span.end()
  }
  const handlers = {
    start(message: Message) {
      if (isTracingSuppressed(context.active())) return
      const { name, attributes } = describe(message)
      spans.set(message, tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }))
    },
    // A function that threw before it returned a promise: its error is known when its call ends.
    end: (message: Message) => void ('error' in message && finish(message)),
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  }
  channel.subscribe(handlers)
  return () => channel.unsubscribe(handlers)
}

/**
 * The kind of a statement and the table it names first (`SELECT`, `tokens`): its text has placeholders, never
 * values, and only these two words of it are recorded.
 */
function describeStatement({ dialect, sql }: StatementMessage) {
  const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL'
  const table = /\b(?:FROM|INTO|UPDATE)\s+"?([A-Za-z_][\w]*)/i.exec(sql)?.[1]
  const system = dialect === 'postgres' ? 'postgresql' : 'sqlite'
  return {
    name: table === undefined ? operation : `${operation} ${table}`,
    attributes: {
      'db.system.name': system,
      'db.operation.name': operation,
      ...(table === undefined ? {} : { 'db.collection.name': table }),
    },
  }
}

/** ioredis publishes each command (ioredis:command); its name is recorded, never its arguments (throttle keys). */
function describeRedisCommand(message: CommandTraceContext) {
  const operation = message.command.toUpperCase()
  return {
    name: operation,
    attributes: {
      'db.system.name': 'redis',
      'db.operation.name': operation,
      'db.namespace': String(message.database),
      'server.address': message.serverAddress,
      ...(message.serverPort === undefined ? {} : { 'server.port': message.serverPort }),
    },
  }
}

/**
 * Node's HTTP client publishes every request it sends: in Keyward only the outbound-fetch port sends any
 * (`src/net/`), besides the exporter, whose requests are made with tracing suppressed. The span names the host,
 * never the path or query, which may carry a secret (a webhook URL's token).
 */
function traceOutboundRequests(tracer: Tracer): () => void {
  const spans = new WeakMap<ClientRequest, Span>()
  const started = (message: unknown) => {
    const { request } = message as { request: ClientRequest }
    if (isTracingSuppressed(context.active())) return
    const attributes = {
      'http.request.method': request.method,
      'server.address': request.host,
      'url.scheme': request.protocol.replace(/:$/, ''),
    }
    spans.set(request, tracer.startSpan(request.method, { kind: SpanKind.CLIENT, attributes }))
  }
  const answered = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage }
    const span = spans.get(request)
    if (span === undefined) return
    spans.delete(request)
    const status = response.statusCode ?? 0
    span.setAttribute('http.response.status_code', status)
    if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR })
    span.end()
  }
  const failed = (message: unknown) => {
    const { request, error } = message as { request: ClientRequest; error: unknown }
    const span = spans.get(request)
    if (span === undefined) return
    spans.delete(request)
    span.setStatus({ code: SpanStatusCode.ERROR })
    span.setAttribute('error.type', errorType(error))
    span.end()
  }
  const channels = [
    ['http.client.request.start', started],
    ['http.client.response.finish', answered],
    ['http.client.request.error', failed],
  ] as const
  for (const [name, handler] of channels) subscribe(name, handler)
  return () => {
    for (const [name, handler] of channels) unsubscribe(name, handler)
  }
}

/** Spans for what a request waits on: database statements, Redis commands, outbound requests. */
export function traceDependencies(tracer: Tracer): () => void {
  const stops = [
    spanEachCall(statementChannel, tracer, describeStatement),
    spanEachCall(
      tracingChannel<unknown, CommandTraceContext>('ioredis:command'),
      tracer,
      describeRedisCommand,
    ),
    traceOutboundRequests(tracer),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
