// One tracer provider per process, registered globally (context manager, W3C propagator) so the
// Temporal interceptors and the bridge's own HTTP spans share it, and so trace context crosses
// client → workflow → activity → vendor in Temporal headers.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from './tracing-settings';

export interface Tracing {
  readonly resource: Resource;
  /** Receives workflow spans too (they leave the sandbox through a sink, see worker-tracing.ts). */
  readonly spanProcessor: SpanProcessor;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes, stops exporting and unregisters the global provider, propagator and context manager. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

export function startTracing(settings: TracingSettings): Tracing {
  if (active) throw new Error('tracing is already started in this process; shut it down first');
  const version = process.env.npm_package_version; // set under `npm run`, not in the container
  const resource = new Resource({
    [ATTR_SERVICE_NAME]: settings.serviceName,
    ...(version ? { [ATTR_SERVICE_VERSION]: version } : {}),
  });
  const exporter: SpanExporter =
    settings.exporter === 'otlp'
      ? new OTLPTraceExporter({ url: settings.otlpTracesUrl })
      : new ConsoleSpanExporter();
  // Batching settings (OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_QUEUE_SIZE, …) come from the environment.
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  provider.register({ contextManager });

  const tracing: Tracing = {
    resource,
    spanProcessor,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (active !== tracing) return;
      active = undefined;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
  active = tracing;
  return tracing;
}
