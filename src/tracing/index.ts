// Optional OpenTelemetry tracing: settings, the process-wide provider, the Temporal interceptors,
// and the bridge's own spans around vendor and webhook HTTP calls.
export { startTracing, type Tracing } from './start-tracing';
export {
  tracingClientInterceptors,
  tracingWorkerOptions,
  tracingWorkflowInterceptorModules,
} from './worker-tracing';
export {
  defaultOtlpEndpoint,
  otlpTracesUrl,
  type TracesExporter,
  type TracingSettings,
} from './tracing-settings';
export { inClientSpan, traceHeaders } from './client-span';
