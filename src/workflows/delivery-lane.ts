// Delivery lane: what the hub could not deliver (the webhook was down) → the channel webhook, in order,
// retried with backoff; once the backlog is empty the hub delivers directly again.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import type { SessionRuntime } from './session-runtime';

const deliveryBatchSize = 25;

export async function deliveryLane(rt: SessionRuntime): Promise<void> {
  const core = rt.core;
  const webhookUrl = core.state.webhookUrl;
  if (!webhookUrl) return;
  for (;;) {
    await condition(() => core.hasPendingDeliveries || core.ended || rt.stopping);
    if (rt.stopping || !core.hasPendingDeliveries) return; // undelivered events travel with continue-as-new
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
