// Tracing settings from the standard OpenTelemetry environment variables. Tracing is opt-in: the
// worker exports spans only when OTEL_TRACES_EXPORTER names an exporter.

export type TracesExporter = 'otlp' | 'console';

export interface TracingSettings {
  exporter: TracesExporter;
  /** `service.name` of every span this process exports. */
  serviceName: string;
  /** OTLP/HTTP traces URL (only for the `otlp` exporter). */
  otlpTracesUrl: string;
}

/** Where an OpenTelemetry Collector (or Jaeger) receives OTLP over HTTP by default. */
export const defaultOtlpEndpoint = 'http://localhost:4318';

/**
 * OTLP/HTTP traces URL by the specification's precedence: the signal-specific variable is used as
 * given; the general endpoint gets `/v1/traces` appended.
 */
export function otlpTracesUrl(env: {
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || defaultOtlpEndpoint;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}
