import type { Tracing, TracingProtocol } from '../telemetry/tracing.ts'
import type { Environment } from './config-source.ts'
import { UsageError } from './context.ts'

/** What a variable holds, or undefined when it is unset or blank (the OpenTelemetry specification's reading). */
function valueOf(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/**
 * Whether this process traces, from OpenTelemetry's own variables: on when an OTLP endpoint is named
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), unless `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none`; the protocol from `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`, `http/protobuf` by default.
 * Undefined when off. What Keyward cannot honour (gRPC, another exporter) is refused at start, never ignored.
 */
export function tracingProtocol(env: Environment): TracingProtocol | undefined {
  const endpoint =
    valueOf(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? valueOf(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  const exporter = valueOf(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp'
  if (endpoint === undefined || exporter === 'none' || valueOf(env, 'OTEL_SDK_DISABLED') === 'true') {
    return undefined
  }
  if (exporter !== 'otlp') {
    throw new UsageError(
      `OTEL_TRACES_EXPORTER=${exporter} is not offered: Keyward exports traces over OTLP (otlp), or not at all (none).`,
    )
  }
  const protocol =
    valueOf(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? valueOf(env, 'OTEL_EXPORTER_OTLP_PROTOCOL')
  if (protocol === undefined || protocol === 'http/protobuf' || protocol === 'http/json') {
    return protocol ?? 'http/protobuf'
  }
  throw new UsageError(
    `OTLP protocol "${protocol}" is not offered: set OTEL_EXPORTER_OTLP_PROTOCOL to http/protobuf or http/json ` +
      '(a collector takes both on port 4318).',
  )
}

/**
 * Starts tracing when the environment asks for it. The SDK is imported only then: a process that does not trace
 * loads no OpenTelemetry module at all.
 */
export async function startConfiguredTracing(env: Environment): Promise<Tracing | undefined> {
  const protocol = tracingProtocol(env)
  if (protocol === undefined) return undefined
  const samplerChosen = valueOf(env, 'OTEL_TRACES_SAMPLER') !== undefined
  return (await import('../telemetry/tracing.ts')).startTracing(protocol, { samplerChosen })
}
