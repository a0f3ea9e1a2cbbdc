import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An attribute value as OTLP/JSON writes it (integers as numbers or decimal strings). */
interface JsonValue {
  readonly stringValue?: string
  readonly intValue?: number | string
  readonly boolValue?: boolean
  readonly doubleValue?: number
}
interface JsonAttribute {
  readonly key: string
  readonly value: JsonValue
}
interface JsonSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: number
  readonly attributes: readonly JsonAttribute[]
  readonly status: { readonly code?: number }
}
interface JsonExport {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly JsonAttribute[] }
    readonly scopeSpans: readonly { readonly spans: readonly JsonSpan[] }[]
  }[]
}

/** One span as a test reads it: ids in hex, attributes as plain values, and its resource's attributes. */
export interface CollectedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly name: string
  readonly attributes: Readonly<Record<string, string | number | boolean | undefined>>
  readonly resource: Readonly<Record<string, string | number | boolean | undefined>>
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  readonly status: number
}

/** One export request the collector received, as sent. */
export interface OtlpRequest {
  readonly path: string
  readonly contentType: string
  readonly body: Buffer
}

function valueOf(value: JsonValue): string | number | boolean | undefined {
  if (value.intValue !== undefined) return Number(value.intValue)
  return value.stringValue ?? value.boolValue ?? value.doubleValue
}

const attributesOf = (attributes: readonly JsonAttribute[]) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]))

/**
 * A stand-in for an OpenTelemetry collector on 127.0.0.1: it takes OTLP/HTTP exports (JSON or protobuf), keeps
 * each request's bytes, and answers success in the encoding it was sent.
 */
export async function startOtlpCollector() {
  const requests: OtlpRequest[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const contentType = request.headers['content-type'] ?? ''
      requests.push({ path: request.url ?? '', contentType, body: Buffer.concat(chunks) })
      // An empty ExportTraceServiceResponse: `{}` in JSON, no bytes in protobuf.
      const json = contentType.startsWith('application/json')
      response.writeHead(200, { 'content-type': contentType }).end(json ? '{}' : '')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporter adds `/v1/traces`. */
    endpoint: `http://127.0.0.1:${port}`,
    requests: (): readonly OtlpRequest[] => requests,
    /** Every span of every JSON export so far. */
    spans(): CollectedSpan[] {
      return requests
        .filter((request) => request.contentType.startsWith('application/json'))
        .flatMap((request) =>
          (JSON.parse(request.body.toString('utf8')) as JsonExport).resourceSpans.flatMap(
            ({ resource, scopeSpans }) =>
              scopeSpans.flatMap(({ spans }) =>
                spans.map((span) => ({
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
                  name: span.name,
                  attributes: attributesOf(span.attributes),
                  resource: attributesOf(resource.attributes),
                  status: span.status.code ?? 0,
                })),
              ),
          ),
        )
    },
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
