// deliver: recorded events the hub did not deliver (the webhook was down, or the attachment that held
// them ended unconfirmed) → the customer's channel, as signed webhook POSTs, one event per request, in
// order. Each event keeps its idempotency key; progress is heartbeated so a retry skips what arrived.
// An event the webhook refuses for good stops the batch and is reported, not retried: the session
// dead-letters it and goes on with the next.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { SessionEvent } from '../shared/events';
import { FailureType } from '../shared/failure-types';
import { recordDeliveryLag } from '../metrics/bridge-metrics';
import { postWebhookEvent } from '../delivery/post-webhook-event';
import type { ActivityDeps } from './activity-deps';

export interface DeliverEventsInput {
  webhookUrl: string;
  sessionId: string;
  customerId: string;
  vendorSessionId?: string;
  events: SessionEvent[];
}

export interface DeliverEventsResult {
  /** The last index the webhook accepted. */
  deliveredThrough: number;
  /** The event after it, when the webhook refused it for good (a 4xx, a redirect, an unusable URL). */
  rejected?: { index: number; reason: string };
}

export type { WebhookBody } from '../delivery/post-webhook-event';

export function deliverEventsActivity(deps: ActivityDeps) {
  return async function deliverEvents(input: DeliverEventsInput): Promise<DeliverEventsResult> {
    const ctx = Context.current();
    const alreadyDelivered = (ctx.info.heartbeatDetails as number | undefined) ?? -1;
    let deliveredThrough = alreadyDelivered;
    for (const event of input.events) {
      if (event.index <= alreadyDelivered) continue;
      try {
        await postWebhookEvent(deps.webhook, input, event, ctx.cancellationSignal);
      } catch (err) {
        if (err instanceof ApplicationFailure && err.type === FailureType.deliveryRejected) {
          return { deliveredThrough, rejected: { index: event.index, reason: err.message } };
        }
        throw err;
      }
      deliveredThrough = event.index;
      recordDeliveryLag(ctx.metricMeter, event.at);
      ctx.heartbeat(deliveredThrough);
    }
    return { deliveredThrough };
  };
}
