// The deliveries workflow: an ended chat's backlog (what the channel's webhook had not taken, and its
// dead letters) moves here, so the chat's business key is free for the customer's next chat at once.
// It retries each event until the delivery horizon, keeps dead letters queryable and redrivable for a
// week, and completes with what it could not deliver in its result.
import { condition, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { deadLettersQuery, pendingDeliveriesQuery, redriveDeadLettersUpdate } from '../shared/definitions';
import { customerIdKey, deadLettersKey } from '../shared/search-attributes';
import {
  effectiveTuning,
  type ChatDeliveriesInput,
  type ChatDeliveriesResult,
} from '../shared/session-types';
import {
  deadLetter,
  deadLetterBytesOf,
  deadLettersView,
  expireBefore,
  horizonLeftMs,
  markBatchDelivered,
  redrive,
  undelivered,
  type BacklogState,
} from './delivery-backlog';
import { attemptDelivery, type DeliverySource } from './delivery-attempt';
import { deliverWithin } from './session-activities';

const seedDeadLetterBytes = 'seed-dead-letter-bytes';

/** How long dead letters wait for an operator's redrive once nothing else is left to deliver. */
const deadLetterRetentionMs = 7 * 24 * 3_600_000;

export async function chatDeliveries(input: ChatDeliveriesInput): Promise<ChatDeliveriesResult> {
  const tuning = effectiveTuning(input.tuning);
  const horizonMs = tuning.deliveryHorizonMs;
  const state: BacklogState = {
    pendingDeliveries: input.events,
    deliveredThrough: input.deliveredThrough,
    deadLetters: input.deadLetters.deadLetters,
    deadLettersTotal: input.deadLetters.total,
    deadLettersDropped: input.deadLetters.dropped,
    // Counted from the start, so the budget holds for the handed-over letters and the new ones together.
    // Histories from before replay without it (their budget started at zero).
    ...(patched(seedDeadLetterBytes)
      ? { deadLetterBytes: deadLetterBytesOf(input.deadLetters.deadLetters) }
      : {}),
  };
  let delivered = 0;
  const source: DeliverySource = {
    nextDeliveryBatch: (max) => undelivered(state).slice(0, max),
    delivered: (through, batch) => {
      delivered += markBatchDelivered(state, batch, through);
    },
    deadLetter: (index, reason, nowMs) => deadLetter(state, index, reason, nowMs),
    expireUndeliverable: (nowMs) => expireBefore(state, nowMs - horizonMs, nowMs),
    horizonLeftMs: (nowMs) => horizonLeftMs(state, horizonMs, nowMs),
  };
  const deliver = deliverWithin(tuning.deliveryMaxBackoffMs);

  let shownDeadLetters: number | undefined;
  const showDeadLetters = () => {
    const total = state.deadLetters?.length ?? 0;
    if (!tuning.searchAttributes || total === shownDeadLetters) return;
    shownDeadLetters = total;
    upsertSearchAttributes([
      { key: customerIdKey, value: input.customerId },
      { key: deadLettersKey, value: total },
    ]);
  };

  setHandler(deadLettersQuery, () => deadLettersView(state));
  setHandler(pendingDeliveriesQuery, () => undelivered(state).length);
  setHandler(redriveDeadLettersUpdate, () => {
    const redriven = redrive(state, Date.now());
    showDeadLetters();
    return { redriven };
  });

  const target = {
    webhookUrl: input.webhookUrl,
    sessionId: input.sessionId,
    customerId: input.customerId,
    ...(input.vendorSessionId ? { vendorSessionId: input.vendorSessionId } : {}),
  };
  showDeadLetters();
  for (;;) {
    while (undelivered(state).length > 0) {
      await attemptDelivery(source, target, deliver);
      showDeadLetters();
    }
    if ((state.deadLetters?.length ?? 0) === 0) break;
    // Nothing left to try: keep the dead letters redrivable for a while, then end with them in the result.
    const redriven = await condition(() => undelivered(state).length > 0, deadLetterRetentionMs);
    if (!redriven) break;
  }

  return { delivered, deadLetters: deadLettersView(state) };
}
