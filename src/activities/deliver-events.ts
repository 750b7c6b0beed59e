// deliver: the events the hub could not deliver at once (the webhook was down) → the customer's channel,
// as signed webhook POSTs, one event per request, in order. Each event keeps its idempotency key;
// progress is heartbeated so a retry skips what arrived.
import { Context } from '@temporalio/activity';
import type { SessionEvent } from '../shared/events';
import { recordDeliveryLag } from '../metrics/bridge-metrics';
import { postWebhookEvent } from '../delivery/post-webhook-event';
import type { ActivityDeps } from './activity-deps';

export interface DeliverEventsInput {
  webhookUrl: string;
  sessionId: string;
  customerId: string;
  events: SessionEvent[];
}

export type { WebhookBody } from '../delivery/post-webhook-event';

export function deliverEventsActivity(deps: ActivityDeps) {
  return async function deliverEvents(input: DeliverEventsInput): Promise<{ deliveredThrough: number }> {
    const ctx = Context.current();
    const alreadyDelivered = (ctx.info.heartbeatDetails as number | undefined) ?? -1;
    let deliveredThrough = alreadyDelivered;
    for (const event of input.events) {
      if (event.index <= alreadyDelivered) continue;
      await postWebhookEvent(deps.webhook, input, event, ctx.cancellationSignal);
      deliveredThrough = event.index;
      recordDeliveryLag(ctx.metricMeter, event.at);
      ctx.heartbeat(deliveredThrough);
    }
    return { deliveredThrough };
  };
}
