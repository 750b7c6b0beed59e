// Delivery lane: recorded events the hub does not deliver itself (the webhook failed, or the attachment
// that held them ended unconfirmed) → the channel webhook, in order, under their own keys, retried with
// backoff; once the backlog is empty the hub delivers directly again.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { SessionRuntime } from './session-runtime';

const deliveryBatchSize = 25;

/**
 * How long an ended chat waits for its hub to confirm the last batch it delivers itself. The hub reports
 * at once; this only bounds a hub that vanished unnoticed (one without a lease): then the lane
 * redelivers those events under their keys.
 */
const hubReportGraceMs = 2 * 60_000;

export async function deliveryLane(rt: SessionRuntime): Promise<void> {
  const core = rt.core;
  const webhookUrl = core.state.webhookUrl;
  if (!webhookUrl) return;
  for (;;) {
    await condition(() => core.laneHasWork || core.ended || rt.stopping);
    if (rt.stopping) return; // undelivered events travel with continue-as-new
    if (!core.laneHasWork) {
      if (!core.hubHoldsDeliveries) return; // the chat ended and everything was delivered
      const reported = await condition(() => !core.hubHoldsDeliveries || rt.stopping, hubReportGraceMs);
      if (!reported) core.revokeHubDelivery();
      continue;
    }
    const scope = new CancellationScope();
    rt.deliveryScope = scope;
    try {
      const { deliveredThrough } = await scope.run(() =>
        rt.acts.deliver.deliverEvents({
          webhookUrl,
          sessionId: rt.workflowId,
          customerId: core.state.customerId,
          events: core.nextDeliveryBatch(deliveryBatchSize),
        }),
      );
      core.delivered(deliveredThrough);
      if (core.shouldRestoreDirectDelivery) core.restoreDirectDelivery();
    } catch (err) {
      if (!isCancellation(err)) throw err; // unlimited retries: only cancellation ends an attempt
    } finally {
      rt.deliveryScope = undefined;
    }
  }
}
