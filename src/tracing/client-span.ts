// The bridge's own CLIENT spans around its outbound HTTP calls (vendor requests, webhook deliveries),
// children of the activity's span. Without a registered provider these are no-ops.
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

const tracer = trace.getTracer('temporal-chat-bridge');

/**
 * Runs `fn` in a CLIENT span. A failure marks the span with `error.type` only: failure messages can
 * quote vendor bodies, and message text must not leave the process in plaintext.
 */
export async function inClientSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  /** The call's abort signal: a failure after it fired is recorded as `cancelled`. */
  signal?: AbortSignal,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      const type = signal?.aborted ? 'cancelled' : errorTypeOf(err);
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The failure type an operator also sees in the Web UI (`VendorHandoverRequired`, …), else the error's name. */
function errorTypeOf(err: unknown): string {
  if (err instanceof ApplicationFailure && err.type) return err.type;
  return err instanceof Error ? err.name : 'Error';
}

/** W3C trace-context headers for the active span, so a webhook receiver can continue the trace. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}
