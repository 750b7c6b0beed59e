// One bounded attempt to deliver the head of a backlog to the channel's webhook, shared by the session's
// delivery lane and the deliveries workflow. The attempt lasts at most until the oldest event reaches the
// delivery horizon; a refusal for good dead-letters that event, and the events after it go on.
import { ActivityFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import type { DeliverEventsInput, DeliverEventsResult } from '../activities/deliver-events';
import type { SessionEvent } from '../shared/session-types';
import { describeFailure } from './describe-failure';

export type DeliveryTarget = Omit<DeliverEventsInput, 'events'>;

export interface DeliverySource {
  nextDeliveryBatch(max: number): SessionEvent[];
  /** The webhook took `batch` (what nextDeliveryBatch gave) through `throughIndex`. */
  delivered(throughIndex: number, batch: SessionEvent[]): void;
  deadLetter(index: number, reason: string, nowMs: number): void;
  expireUndeliverable(nowMs: number): number;
  horizonLeftMs(nowMs: number): number;
}

/** The deliver activity with its schedule-to-close timeout set per attempt. */
export type DeliverWithin = (ms: number) => {
  deliverEvents(input: DeliverEventsInput): Promise<DeliverEventsResult>;
};

const deliveryBatchSize = 25;

/** Returns true when the backlog moved: something delivered or dead-lettered. */
export async function attemptDelivery(
  source: DeliverySource,
  target: DeliveryTarget,
  deliverWithin: DeliverWithin,
  limitMs = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  if (source.expireUndeliverable(Date.now()) > 0) return true;
  const events = source.nextDeliveryBatch(deliveryBatchSize);
  const head = events[0];
  if (!head) return false;
  const withinMs = Math.max(1_000, Math.min(limitMs, source.horizonLeftMs(Date.now())));
  try {
    const result = await deliverWithin(withinMs).deliverEvents({ ...target, events });
    source.delivered(result.deliveredThrough, events);
    if (result.rejected) source.deadLetter(result.rejected.index, result.rejected.reason, Date.now());
    return result.deliveredThrough >= head.index || result.rejected !== undefined;
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Out of time (the server stops retrying when the next attempt would pass the schedule-to-close
    // timeout, and reports the last failure): the next attempt dead-letters what passed the horizon,
    // or the caller gives up.
    if (
      err instanceof ActivityFailure &&
      (err.cause instanceof TimeoutFailure || err.retryState === 'TIMEOUT')
    )
      return false;
    // Not a webhook answer (those come back as results): the head cannot be delivered as it is.
    source.deadLetter(head.index, `delivery failed: ${describeFailure(err).message}`, Date.now());
    return true;
  }
}
