// deliver: agent events → the customer's channel, as signed webhook POSTs, one event per request, in order.
// Each event carries its own idempotency key; progress is heartbeated so a retry skips what arrived.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import type { SessionEvent } from '../shared/events';
import { FailureType } from '../shared/failure-types';
import { idempotencyHeader, signPayload, signatureHeader } from '../webhooks/signature';
import { recordDeliveryLag } from '../metrics/bridge-metrics';
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
    for (const event of input.events) {
      if (event.index <= alreadyDelivered) continue;
      const body = JSON.stringify({
        sessionId: input.sessionId,
        customerId: input.customerId,
        event,
      } satisfies WebhookBody);
      let status: number;
      try {
        const res = await request(input.webhookUrl, {
          method: 'POST',
          dispatcher: deps.webhook.dispatcher,
          signal: ctx.cancellationSignal,
          headersTimeout: deps.webhook.timeoutMs,
          bodyTimeout: deps.webhook.timeoutMs,
          headers: {
            'content-type': 'application/json',
            [idempotencyHeader]: event.id,
            [signatureHeader]: signPayload(deps.webhook.secret, body, Math.floor(Date.now() / 1000)),
          },
          body,
        });
        status = res.statusCode;
        await res.body.dump();
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        throw ApplicationFailure.create({
          type: FailureType.deliveryFailed,
          message: `webhook unreachable for event ${event.id}: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
      if (status < 200 || status >= 300) {
        throw ApplicationFailure.create({
          type: FailureType.deliveryFailed,
          message: `webhook answered HTTP ${status} for event ${event.id}`,
          details: [{ status, eventId: event.id }],
        });
      }
      deliveredThrough = event.index;
      recordDeliveryLag(ctx.metricMeter, event.at);
      ctx.heartbeat(deliveredThrough);
    }
    return { deliveredThrough };
  };
}
