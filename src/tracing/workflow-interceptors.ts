// The workflow interceptors of a traced worker: the SDK's OpenTelemetry ones, except for the hub's
// `vendorEvents` and `adoptConnection` updates. The SDK's update interceptor completes an update a few microtasks late, which
// reorders its completion against commands issued in the same activation; a session recorded by an
// untraced worker would then not replay on a traced one (and back). The hub's own spans (the receive,
// the webhook POST, the update call) already trace each batch.
// Loaded into the workflow sandbox by module path (tracingWorkflowInterceptorModules).
import type {
  UpdateInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
} from '@temporalio/workflow';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';

/** Updates whose handlers must complete synchronously, as on an untraced worker. */
const untracedUpdates = new Set(['vendorEvents', 'adoptConnection']);

class SessionInboundInterceptor extends OpenTelemetryInboundInterceptor {
  override handleUpdate(
    input: UpdateInput,
    next: Parameters<NonNullable<WorkflowInboundCallsInterceptor['handleUpdate']>>[1],
  ): Promise<unknown> {
    // Not async: the handler's own promise, untouched, as without the interceptor.
    if (untracedUpdates.has(input.name)) return next(input);
    return super.handleUpdate(input, next);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new SessionInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
