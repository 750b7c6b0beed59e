// The worker half of tracing: the SDK's OpenTelemetry interceptors for workflows and activities, and
// the sink that carries workflow spans out of the sandbox (exported only outside replay).
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './start-tracing';

/**
 * Workflow interceptor modules for a traced worker. A prebuilt bundle must be built with them
 * (`bundleWorkflowCode({ workflowInterceptorModules })`); with `workflowsPath` the worker adds them.
 * Untraced workers leave them out: their spans would go to a sink nobody registered.
 */
export const tracingWorkflowInterceptorModules: readonly string[] = [
  require.resolve('./workflow-interceptors'),
];

/** `tracing`: a started Tracing, or any span processor and resource (a replay test's in-memory one). */
export function tracingWorkerOptions(
  tracing: Pick<Tracing, 'spanProcessor' | 'resource'>,
): Pick<WorkerOptions, 'interceptors' | 'sinks'> & { sinks: InjectedSinks<OpenTelemetrySinks> } {
  return {
    interceptors: {
      workflowModules: [...tracingWorkflowInterceptorModules],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      // The handover activity signals its own workflow through the worker's client.
      client: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/**
 * For backend teams: `new Client({ connection, interceptors: tracingClientInterceptors() })` puts the
 * starts, updates and signals of ChatSessions into the same traces as the worker's spans.
 */
export function tracingClientInterceptors() {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** For an activity-only worker (the connection hub's own task queue): the activity interceptors only. */
export function tracingActivityWorkerOptions(): Pick<WorkerOptions, 'interceptors'> {
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
  };
}
