// Delivery lane: recorded events the hub does not deliver itself (the webhook failed, or the attachment
// that held them ended unconfirmed) → the channel webhook, in order, under their own keys, retried with
// backoff up to the delivery horizon; once the backlog is empty the hub delivers directly again.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { attemptDelivery, type DeliverySource } from './delivery-attempt';
import type { SessionRuntime } from './session-runtime';

/**
 * How long an ended chat waits for its hub to confirm the last batch it delivers itself. The hub reports
 * at once; this only bounds a hub that vanished unnoticed (one without a lease): then the lane
 * redelivers those events under their keys.
 */
const hubReportGraceMs = 2 * 60_000;

/** An ended chat tries this long; what the webhook has not taken then moves to a deliveries workflow. */
const endedAttemptMs = 60_000;

export async function deliveryLane(rt: SessionRuntime): Promise<void> {
  const core = rt.core;
  const webhookUrl = core.state.webhookUrl;
  if (!webhookUrl) return;
  // Built per attempt: the vendor's session id is known only once the session is open.
  const target = () => ({ webhookUrl, sessionId: rt.workflowId, ...core.deliveryNames });
  const source: DeliverySource = {
    nextDeliveryBatch: (max) => core.nextDeliveryBatch(max),
    delivered: (through, batch) => core.deliveredBatch(through, batch),
    deadLetter: (index, reason, nowMs) => core.deadLetter(index, reason, nowMs),
    expireUndeliverable: (nowMs) => core.expireUndeliverable(nowMs),
    horizonLeftMs: (nowMs) => core.horizonLeftMs(nowMs),
  };
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
    let moved = true;
    try {
      moved = await scope.run(() =>
        attemptDelivery(source, target(), rt.acts.deliverWithin, core.ended ? endedAttemptMs : undefined),
      );
    } catch (err) {
      if (!isCancellation(err)) throw err;
    } finally {
      rt.deliveryScope = undefined;
    }
    rt.searchAttributes.sync();
    if (core.ended && !moved) return; // the session hands the rest to a deliveries workflow
    if (core.shouldRestoreDirectDelivery) core.restoreDirectDelivery();
  }
}
