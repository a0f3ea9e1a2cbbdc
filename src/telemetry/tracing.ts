import { trace } from '@opentelemetry/api'
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources'
import { AlwaysOnSampler, BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import type { FastifyInstance } from 'fastify'
import packageJson from '../../package.json' with { type: 'json' }
import { traceDependencies } from './dependencies.ts'
import { traceRequests } from './requests.ts'

/** OTLP over HTTP, as `OTEL_EXPORTER_OTLP_PROTOCOL` names it; gRPC is not offered (src/cli/tracing-settings.ts). */
export type TracingProtocol = 'http/protobuf' | 'http/json'

/** Tracing as one process runs it: its own SDK, exporting spans in batches until `shutdown` flushes the last. */
export interface Tracing {
  /** One server span per request of `app`, the parent of what the request does. */
  traceRequests(app: FastifyInstance): void
  /** Sends the spans still queued and stops. */
  shutdown(): Promise<void>
}

/**
 * Starts OpenTelemetry's SDK for this process (architecture §1, `src/telemetry/`). The exporter reads the standard
 * variables itself (`OTEL_EXPORTER_OTLP_ENDPOINT`, `_HEADERS`, `_TIMEOUT`, `_COMPRESSION` and their `_TRACES_`
 * forms), the SDK the sampler when one is chosen (`OTEL_TRACES_SAMPLER`, `_ARG`) and the span limits, and the resource
 * `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` over the defaults `keyward` and this version.
 * Spans are made at Keyward's own seams (requests, statements, Redis commands, outbound requests), never by
 * patching modules: each records what it may (a route template, a statement's kind), never a query string,
 * a parameter or a header.
 */
export async function startTracing(
  protocol: TracingProtocol,
  { samplerChosen }: { readonly samplerChosen: boolean },
): Promise<Tracing> {
  // Only the exporter of the protocol in use is loaded.
  const { OTLPTraceExporter } =
    protocol === 'http/json'
      ? await import('@opentelemetry/exporter-trace-otlp-http')
      : await import('@opentelemetry/exporter-trace-otlp-proto')
  // The process tells apart the workers of `keyward start --workers`, each of which exports its own spans.
  const keyward = resourceFromAttributes({
    'service.name': 'keyward',
    'service.version': packageJson.version,
    'process.pid': process.pid,
  })
  const provider = new NodeTracerProvider({
    // The SDK's default sampler follows the sampled flag of an incoming traceparent, which any client sets: one
    // saying "not sampled" would keep its requests out of the operator's traces. Unless the operator chose a
    // sampler (OTEL_TRACES_SAMPLER, e.g. parentbased_always_on behind a proxy they trust; the SDK reads it), every
    // request is sampled; a traceparent still links the span to the caller's trace.
    ...(samplerChosen ? {} : { sampler: new AlwaysOnSampler() }),
    resource: defaultResource()
      .merge(keyward)
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  })
  // The AsyncLocalStorage context manager and the W3C trace context and baggage propagators.
  provider.register()
  const tracer = trace.getTracer('keyward', packageJson.version)
  const stopTracingDependencies = traceDependencies(tracer)
  return {
    traceRequests: (app) => traceRequests(app, tracer),
    async shutdown() {
      stopTracingDependencies()
      await provider.shutdown()
    },
  }
}
