// deliver: agent events → the customer's channel, as signed webhook POSTs, one event per request, in order.
// Each event carries its own idempotency key; progress is heartbeated so a retry skips what arrived.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Span } from '@opentelemetry/api';
import { request } from 'undici';
import type { SessionEvent } from '../shared/events';
import { FailureType } from '../shared/failure-types';
import { idempotencyHeader, signPayload, signatureHeader } from '../webhooks/signature';
import { recordDeliveryLag } from '../metrics/bridge-metrics';
import { inClientSpan, traceHeaders } from '../tracing/client-span';
import type { ActivityDeps } from './activity-deps';

export interface DeliverEventsInput {
  webhookUrl: string;
  sessionId: string;
  customerId: string;
  events: SessionEvent[];
}

/** The JSON body a channel webhook receives. */
export interface WebhookBody {
  sessionId: string;
  customerId: string;
  event: SessionEvent;
}

export function deliverEventsActivity(deps: ActivityDeps) {
  return async function deliverEvents(input: DeliverEventsInput): Promise<{ deliveredThrough: number }> {
    const ctx = Context.current();
    const alreadyDelivered = (ctx.info.heartbeatDetails as number | undefined) ?? -1;
    let deliveredThrough = alreadyDelivered;
    const webhookHost = new URL(input.webhookUrl).hostname;
    for (const event of input.events) {
      if (event.index <= alreadyDelivered) continue;
      const body = JSON.stringify({
        sessionId: input.sessionId,
        customerId: input.customerId,
        event,
      } satisfies WebhookBody);
      await inClientSpan(
        'POST webhook',
        {
          'http.request.method': 'POST',
          'server.address': webhookHost,
          'chat.event.id': event.id,
          'chat.event.kind': event.event.kind,
        },
        (span) => postEvent(deps, ctx.cancellationSignal, input.webhookUrl, event, body, span),
        ctx.cancellationSignal,
      );
      deliveredThrough = event.index;
      recordDeliveryLag(ctx.metricMeter, event.at);
      ctx.heartbeat(deliveredThrough);
    }
    return { deliveredThrough };
  };
}

/** One signed POST; a non-2xx answer or a network failure is a retryable DeliveryFailed. */
async function postEvent(
  deps: ActivityDeps,
  signal: AbortSignal,
  webhookUrl: string,
  event: SessionEvent,
  body: string,
  span: Span,
): Promise<void> {
  let status: number;
  try {
    const res = await request(webhookUrl, {
      method: 'POST',
      dispatcher: deps.webhook.dispatcher,
      signal,
      headersTimeout: deps.webhook.timeoutMs,
      bodyTimeout: deps.webhook.timeoutMs,
      headers: {
        'content-type': 'application/json',
        [idempotencyHeader]: event.id,
        [signatureHeader]: signPayload(deps.webhook.secret, body, Math.floor(Date.now() / 1000)),
        // traceparent: a traced receiver continues the session's trace.
        ...traceHeaders(),
      },
      body,
    });
    status = res.statusCode;
    await res.body.dump();
  } catch (err) {
    if (signal.aborted) throw err;
    throw ApplicationFailure.create({
      type: FailureType.deliveryFailed,
      message: `webhook unreachable for event ${event.id}: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  span.setAttribute('http.response.status_code', status);
  if (status < 200 || status >= 300) {
    throw ApplicationFailure.create({
      type: FailureType.deliveryFailed,
      message: `webhook answered HTTP ${status} for event ${event.id}`,
      details: [{ status, eventId: event.id }],
    });
  }
}
