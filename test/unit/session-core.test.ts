import assert from 'node:assert/strict';
import type { BridgeEvent } from '../../src/shared/events';
import type { VendorEventsBatch } from '../../src/shared/hub-types';
import type { VendorProfile } from '../../src/shared/vendor-profile';
import { SessionCore } from '../../src/workflows/session-core';

const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T00:00:01.000Z';
const input = { provider: 'p', customerId: 'c1', visitorName: 'V', webhookUrl: 'http://hook' };
const hub = { hubId: 'hub-1', hubTaskQueue: 'hub-1-queue' };

/** A Live Agent–like profile: numbered outbound requests, renumbered and replayed after a reconnect. */
function profileWith(overrides: Partial<VendorProfile> = {}): VendorProfile {
  return {
    transport: 'longPoll',
    receiveIntervalMs: 0,
    keepAliveEveryMs: null,
    silenceLimitMs: 40_000,
    outboundSequence: true,
    afterReconnect: { restartsSequence: true, replaysTranscript: false },
    ...overrides,
  };
}

function openedCore(
  profile: VendorProfile = profileWith(),
  create: Parameters<typeof SessionCore.create>[0] = input,
): SessionCore {
  const core = SessionCore.create(create, 'uid');
  core.sessionOpened({
    credentials: { token: 'a' },
    cursor: { ack: -1 },
    vendorSessionId: 'v1',
    firstSequence: 2,
    profile,
  });
  return core;
}

/** Issues an attach and records the hub's answer; returns its epoch. */
function attachedCore(profile?: VendorProfile, create?: Parameters<typeof SessionCore.create>[0]) {
  const core = openedCore(profile, create);
  const { epoch } = core.attachInput('wf');
  assert.equal(core.attached(epoch, hub), true);
  return core;
}

/**
 * A batch as the hub names it: continuing the session's record, nothing delivered by this attachment
 * and nothing offered for the hub to deliver, unless overridden.
 */
function batchFor(
  core: SessionCore,
  events: BridgeEvent[],
  over: Partial<Omit<VendorEventsBatch, 'events'>> = {},
): VendorEventsBatch {
  const s = core.state;
  const firstIndex = over.firstIndex ?? s.nextEventIndex;
  return {
    hubId: hub.hubId,
    epoch: s.attachedEpoch ?? -1,
    generation: s.generation,
    cursor: { ack: firstIndex + events.length },
    deliveredThrough: -1,
    hubDelivers: false,
    ...over,
    firstIndex,
    events: events.map((event, i) => ({
      id: `${s.sessionUid}:${firstIndex + i}`,
      index: firstIndex + i,
      at: t0,
      event,
    })),
  };
}

describe('SessionCore (pure session rules)', () => {
  it('records a hub batch under the ids the hub gave it and advances the cursor', () => {
    const core = attachedCore();
    const accepted = core.acceptVendorEvents(
      batchFor(
        core,
        [
          { kind: 'agentConnected', agentName: 'Ann' },
          { kind: 'messageReceived', text: 'hi' },
        ],
        { cursor: { ack: 3 } },
      ),
    );
    assert.deepEqual(accepted, { recordedThrough: 1, deliverThrough: -1 });
    assert.deepEqual(
      core.state.recentEvents.map((e) => [e.index, e.id]),
      [
        [0, 'uid:0'],
        [1, 'uid:1'],
      ],
    );
    assert.equal(core.state.nextEventIndex, 2);
    assert.deepEqual(core.state.cursor, { ack: 3 });
    assert.equal(core.state.status, 'chatting');
    assert.equal(core.state.agent?.name, 'Ann');
    assert.equal(core.state.counters.messagesFromAgent, 1);
    assert.equal(core.nextDeliveryBatch(10).length, 2, 'nothing delivered by the hub: both pending');
  });

  it('a batch the hub offers to deliver: recorded first, then entrusted to it; the lane leaves it alone', () => {
    const core = attachedCore();
    const recorded = core.acceptVendorEvents(
      batchFor(core, [{ kind: 'agentTyping' }, { kind: 'messageReceived', text: 'a' }], {
        hubDelivers: true,
      }),
    );
    assert.deepEqual(recorded, { recordedThrough: 1, deliverThrough: 1 });
    assert.equal(core.hasPendingDeliveries, true, 'unconfirmed until the hub says it delivered them');
    assert.equal(core.laneHasWork, false, 'the hub delivers them: the lane must not overtake it');
    assert.deepEqual(core.nextDeliveryBatch(10), []);

    // The next batch confirms what the hub delivered of the last one.
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'agentTyping' }], { hubDelivers: true, deliveredThrough: 1 }),
    );
    assert.equal(core.state.deliveredThrough, 1);
    assert.equal(core.state.counters.eventsDelivered, 2);
    assert.deepEqual(
      core.state.pendingDeliveries.map((e) => e.index),
      [2],
    );
    core.eventsDelivered({
      hubId: hub.hubId,
      epoch: core.state.attachedEpoch!,
      deliveredThrough: 2,
      handBack: false,
    });
    assert.equal(core.hasPendingDeliveries, false);
    assert.equal(core.result().eventsDelivered, 3);
  });

  it('a report never confirms past what the session recorded, nor a batch before it is recorded', () => {
    const core = attachedCore();
    core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { hubDelivers: true }));
    core.eventsDelivered({
      hubId: hub.hubId,
      epoch: core.state.attachedEpoch!,
      deliveredThrough: 9,
      handBack: false,
    });
    assert.equal(core.state.deliveredThrough, 0);
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'agentTyping' }], { hubDelivers: true, deliveredThrough: 5 }),
    );
    assert.equal(core.state.deliveredThrough, 0, 'a batch confirms only indexes before its own');
    assert.deepEqual(
      core.state.pendingDeliveries.map((e) => e.index),
      [1],
    );
  });

  it('the hub hands the rest back (a delivery failed): the lane delivers it, and the next attach restores direct delivery', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'agentTyping' }, { kind: 'messageReceived', text: 'a' }], {
        hubDelivers: true,
      }),
    );
    core.eventsDelivered({ hubId: hub.hubId, epoch, deliveredThrough: 0, handBack: true });
    assert.equal(core.state.directDelivery, false);
    assert.equal(core.laneHasWork, true);
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.id),
      ['uid:1'],
      'the same key the hub would have used',
    );
    // A later batch offered by a hub that stopped delivering is the lane's.
    assert.deepEqual(
      core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { hubDelivers: false })),
      {
        recordedThrough: 2,
        deliverThrough: -1,
      },
    );
    core.delivered(2);
    assert.equal(core.shouldRestoreDirectDelivery, true);
  });

  it('an attachment that ends with unconfirmed deliveries while no other follows (a handover) hands them to the lane, same keys', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(batchFor(core, [{ kind: 'messageReceived', text: 'a' }], { hubDelivers: true }));
    assert.equal(core.laneHasWork, false);
    assert.equal(core.requestHandover(0), true);
    assert.equal(core.laneHasWork, true, 'no attachment while the vendor reconnects: the lane delivers');
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.id),
      ['uid:0'],
    );
    // The lost hub's late report still counts: "delivered through n" stays true.
    core.eventsDelivered({ hubId: hub.hubId, epoch, deliveredThrough: 0, handBack: false });
    assert.equal(core.hasPendingDeliveries, false);
  });

  it('unconfirmed deliveries ride with the next attachment: the new hub redelivers them, no lane, no second attach', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'agentTyping' }, { kind: 'messageReceived', text: 'a' }], {
        hubDelivers: true,
      }),
    );
    core.connectionLost({ hubId: hub.hubId, epoch, reason: 'hubLost', message: 'worker died' }, t0);
    assert.equal(core.needsAttach, true);
    assert.equal(core.laneHasWork, false, 'the attachment about to be issued carries them');
    const next = core.attachInput('wf');
    assert.deepEqual(
      next.redeliver?.map((e) => e.id),
      ['uid:0', 'uid:1'],
    );
    assert.deepEqual(next.delivery, { webhookUrl: 'http://hook', customerId: 'c1', vendorSessionId: 'v1' });
    assert.equal(core.laneHasWork, false, 'the new attachment holds them');
    core.eventsDelivered({ hubId: 'hub-2', epoch: next.epoch, deliveredThrough: 1, handBack: false });
    assert.equal(core.hasPendingDeliveries, false);
  });

  it('a backlog the webhook failed on stays with the lane: the next attachment carries no redelivery', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { hubDelivers: true }));
    core.eventsDelivered({ hubId: hub.hubId, epoch, deliveredThrough: -1, handBack: true });
    core.connectionLost({ hubId: hub.hubId, epoch, reason: 'hubLost', message: 'worker died' }, t0);
    assert.equal(core.laneHasWork, true);
    const next = core.attachInput('wf');
    assert.equal(next.redeliver, undefined);
    assert.equal(next.delivery, null);
  });

  it('a draining hub reports its deliveries with connectionLost; an ended chat lets go of a lost hub', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(
      batchFor(
        core,
        [
          { kind: 'messageReceived', text: 'a' },
          { kind: 'chatEnded', reason: 'agent' },
        ],
        {
          hubDelivers: true,
        },
      ),
    );
    assert.equal(core.ended, true);
    assert.equal(core.hubHoldsDeliveries, true, 'the ended chat waits for the hub, not the lane');
    assert.equal(
      core.connectionLost(
        { hubId: hub.hubId, epoch, reason: 'hubLost', message: 'gone', deliveredThrough: 0 },
        t0,
      ),
      'ignored',
    );
    assert.equal(core.hubHoldsDeliveries, false);
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.index),
      [1],
    );
    assert.equal(core.state.hub, null, 'no final detach is sent to a lost hub');
  });

  it('a failing webhook fills the backlog to deliveryBacklogMaxBytes; then batches are refused until it drains', () => {
    const core = attachedCore(profileWith(), { ...input, tuning: { deliveryBacklogMaxBytes: 16 * 1024 } });
    const text = 'x'.repeat(3_500);
    for (let i = 0; i < 5; i += 1) {
      assert.equal(core.backlogFullReason(), null);
      core.acceptVendorEvents(batchFor(core, [{ kind: 'messageReceived', text }]));
    }
    assert.match(core.backlogFullReason() ?? '', /5 events \(\d+ bytes\) wait for the webhook/);
    core.delivered(2);
    assert.equal(core.backlogFullReason(), null, 'room again once the webhook took some');
  });

  it('redriven dead letters go to the lane even while the hub delivers; its confirmations never take them', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'messageReceived', text: 'refused' }], { hubDelivers: true }),
    );
    core.eventsDelivered({ hubId: hub.hubId, epoch, deliveredThrough: -1, handBack: true });
    core.deadLetter(0, 'webhook answered HTTP 410', Date.parse(t0));
    core.delivered(-1);
    // Direct delivery again, later events confirmed by the hub.
    core.restoreDirectDelivery();
    const next = core.attachInput('wf');
    core.attached(next.epoch, hub);
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'messageReceived', text: 'later' }], { hubDelivers: true }),
    );
    assert.equal(core.redriveDeadLetters(Date.parse(t0) + 1), 1);
    assert.equal(core.laneHasWork, true, 'the lane delivers the redriven letter');
    core.eventsDelivered({ hubId: hub.hubId, epoch: next.epoch, deliveredThrough: 1, handBack: false });
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.id),
      ['uid:0'],
      'the hub confirmed index 1; the older redriven letter is still to deliver',
    );
    core.deliveredBatch(0, core.nextDeliveryBatch(10));
    assert.equal(core.hasPendingDeliveries, false);
  });

  it("the customer's previous chat's hub messages (same workflow id) change nothing in this chat", () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    const before = JSON.stringify(core.state);
    const other = 'uid-of-the-previous-chat';
    assert.match(
      core.staleBatchReason(batchFor(core, [{ kind: 'agentTyping' }], { chatUid: other })) ?? '',
      /not this one/,
    );
    assert.equal(
      core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { chatUid: other })),
      null,
    );
    assert.equal(
      core.outOfStepReason(batchFor(core, [{ kind: 'agentTyping' }], { chatUid: other, firstIndex: 9 })),
      null,
    );
    assert.equal(
      core.connectionLost(
        { hubId: hub.hubId, epoch, reason: 'sessionGone', message: 'x', chatUid: other },
        t0,
      ),
      'ignored',
    );
    core.eventsDelivered({ hubId: hub.hubId, epoch, deliveredThrough: 5, handBack: true, chatUid: other });
    assert.equal(JSON.stringify(core.state), before);
    // Its own uid (and no uid, from hubs before it was sent) is this chat.
    assert.notEqual(
      core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { chatUid: 'uid' })),
      null,
    );
  });

  it('a batch from before record-then-deliver (no hubDelivers) still counts its own delivered events', () => {
    const core = attachedCore();
    const { hubDelivers: _, ...legacy } = batchFor(
      core,
      [{ kind: 'agentTyping' }, { kind: 'agentNotTyping' }, { kind: 'agentTyping' }],
      { deliveredThrough: 1 },
    );
    core.acceptVendorEvents(legacy);
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.index),
      [2],
    );
    assert.equal(core.state.deliveredThrough, 1);
    assert.equal(core.state.counters.eventsDelivered, 2);
    assert.equal(core.state.directDelivery, false);
  });

  it('ignores stale batches: another epoch, another generation, or not continuing the record', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    const before = JSON.stringify(core.state);
    const typing: BridgeEvent[] = [{ kind: 'agentTyping' }];
    assert.equal(core.acceptVendorEvents(batchFor(core, typing, { epoch: epoch + 1 })), null);
    assert.equal(core.acceptVendorEvents(batchFor(core, typing, { epoch: epoch - 1 })), null);
    assert.equal(core.acceptVendorEvents(batchFor(core, typing, { generation: 1 })), null);
    assert.equal(core.acceptVendorEvents(batchFor(core, typing, { firstIndex: 1 })), null, 'a gap');
    assert.equal(JSON.stringify(core.state), before, 'a stale batch changes nothing');

    assert.notEqual(core.acceptVendorEvents(batchFor(core, typing)), null);
    assert.equal(
      core.acceptVendorEvents(batchFor(core, typing, { firstIndex: 0 })),
      null,
      'a repeat of a recorded batch',
    );
    assert.equal(core.state.nextEventIndex, 1);
  });

  it('ignores batches while no attachment is current, and after the chat ended', () => {
    const core = openedCore();
    assert.equal(core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { epoch: 1 })), null);
    const { epoch } = core.attachInput('wf');
    core.attached(epoch, hub);
    core.acceptVendorEvents(batchFor(core, [{ kind: 'chatEnded', reason: 'agent' }]));
    assert.equal(core.ended, true);
    assert.equal(core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { epoch })), null);
  });

  it('stops recording a batch at its chatEnded', () => {
    const core = attachedCore();
    core.acceptVendorEvents(
      batchFor(core, [
        { kind: 'chatEnded', reason: 'agent' },
        { kind: 'messageReceived', text: 'late' },
      ]),
    );
    assert.equal(core.ended, true);
    assert.equal(core.state.endReason, 'agent');
    assert.equal(core.state.counters.messagesFromAgent, 0);
    assert.equal(core.state.nextEventIndex, 1);
  });

  it('sends the outbox in order, each item keeping its stamp across retries', () => {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'one' }, 'm1', t0);
    core.enqueue({ kind: 'message', text: 'two' }, 'm2', t0);
    const first = core.nextToSend()!;
    assert.equal(first.item.id, 'm1');
    assert.deepEqual(first.stamp, { sequence: 2, idempotencyKey: 'uid:m1', customerMessagesBefore: 0 });
    assert.equal(first.generation, 0);
    assert.deepEqual(first.credentials, { token: 'a' });
    assert.deepEqual(core.nextToSend()!.stamp, first.stamp, 'a retry of the same item reuses its stamp');
    core.sendAccepted('m1', t0);
    const accepted = core.outcomeOf('m1');
    assert.equal(accepted?.kind === 'accepted' && accepted.result.vendorSequence, 2);
    const second = core.nextToSend()!;
    assert.equal(second.item.id, 'm2');
    assert.deepEqual(second.stamp, { sequence: 3, idempotencyKey: 'uid:m2', customerMessagesBefore: 1 });
  });

  it('a handover with credentials the vendor named starts from them, also when one is already under way', () => {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'one' }, 'm1', t0);
    assert.equal(core.requestHandover(0, { token: 'named' }), true);
    assert.deepEqual(core.state.credentials, { token: 'named' }, 'the reconnect starts from the named ones');
    assert.equal(core.requestHandover(0, { token: 'newer' }), false, 'no second handover');
    assert.deepEqual(core.state.credentials, { token: 'newer' }, 'but the newest named credentials win');
    assert.equal(core.requestHandover(7, { token: 'stale' }), false);
    assert.deepEqual(core.state.credentials, { token: 'newer' }, 'a stale generation changes nothing');
    core.reconnected({ credentials: { token: 'confirmed' } }, t1);
    assert.equal(core.requestHandover(0, { token: 'late' }), false);
    assert.deepEqual(core.state.credentials, { token: 'confirmed' }, 'nothing after the reconnect');
  });

  it('without an outbound sequence in the profile: sequence null and a stable idempotency key', () => {
    const core = openedCore(
      profileWith({
        outboundSequence: false,
        afterReconnect: { restartsSequence: false, replaysTranscript: false },
      }),
    );
    core.enqueue({ kind: 'message', text: 'one' }, 'm1', t0);
    core.enqueue({ kind: 'typing' }, null, t0);
    const first = core.nextToSend()!;
    assert.deepEqual(first.stamp, { sequence: null, idempotencyKey: 'uid:m1', customerMessagesBefore: 0 });
    assert.deepEqual(core.nextToSend()!.stamp, first.stamp, 'a retry carries the same key');
    // Across a handover too: the key names the item, not the attempt.
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' } }, t0);
    const afterHandover = core.nextToSend()!;
    assert.equal(afterHandover.generation, 1);
    assert.deepEqual(afterHandover.stamp, {
      sequence: null,
      idempotencyKey: 'uid:m1',
      customerMessagesBefore: 0,
    });
    assert.equal(core.state.nextSequence, 2, 'no numbers are used up');
    core.sendAccepted('m1', t0);
    const outcome = core.outcomeOf('m1');
    assert.equal(outcome?.kind === 'accepted' && outcome.result.vendorSequence, null);
    const typing = core.nextToSend()!;
    assert.equal(typing.stamp.sequence, null);
    assert.match(typing.stamp.idempotencyKey, /^uid:typing#\d+$/);
  });

  it('treats a repeated clientMessageId as the same message', () => {
    const core = openedCore();
    assert.equal(core.enqueue({ kind: 'message', text: 'x' }, 'm1', t0).kind, 'queued');
    assert.equal(core.enqueue({ kind: 'message', text: 'x' }, 'm1', t0).kind, 'known');
    core.nextToSend();
    core.sendAccepted('m1', t0);
    assert.equal(core.enqueue({ kind: 'message', text: 'x' }, 'm1', t0).kind, 'known');
    assert.equal(core.state.outbox.length, 0);
    assert.equal(core.outcomeOf('m1')?.kind, 'accepted');
  });

  it('compares ids exactly and refuses an id reused for different content (IdempotencyKeyReused), queued or answered', () => {
    const core = openedCore();
    assert.equal(core.enqueue({ kind: 'message', text: ' hello ' }, 'm1', t0).kind, 'queued');
    assert.equal(
      core.state.outbox[0]!.command.kind === 'message' && core.state.outbox[0]!.command.text,
      ' hello ',
    );
    assert.equal(core.checkSendMessage({ clientMessageId: 'm1 ', text: 'other' }), null, 'another id');
    assert.equal(core.checkSendMessage({ clientMessageId: 'm1', text: ' hello ' }), null, 'a retry');
    assert.equal(core.checkSendMessage({ clientMessageId: 'm1', text: 'hello' })!.type, 'reused');
    core.nextToSend();
    core.sendAccepted('m1', t0);
    assert.equal(core.checkSendMessage({ clientMessageId: 'm1', text: ' hello ' }), null);
    const reused = core.checkSendMessage({ clientMessageId: 'm1', text: 'something else' })!;
    assert.equal(reused.type, 'reused');
    assert.match(reused.reason, /already used for a different message/);
    assert.equal(core.state.outbox.length, 0, 'nothing queued');
  });

  it('remembers accepted message ids however much typing follows (fire-and-forget outcomes are not kept)', () => {
    const core = openedCore(profileWith(), { ...input, tuning: { acceptedIdsKept: 5 } });
    core.enqueue({ kind: 'message', text: 'x' }, 'm1', t0);
    core.nextToSend();
    core.sendAccepted('m1', t0);
    for (let i = 0; i < 20; i++) {
      core.enqueue({ kind: i % 2 ? 'notTyping' : 'typing' }, null, t0);
      core.sendAccepted(core.nextToSend()!.item.id, t0);
    }
    assert.equal(core.outcomeOf('m1')?.kind, 'accepted');
    assert.equal(
      core.enqueue({ kind: 'message', text: 'x' }, 'm1', t0).kind,
      'known',
      'a late retry is not sent again',
    );
  });

  it('a handover pauses sending, ignores stale generations, restarts the sequence (profile) and resends the buffered item', () => {
    const core = attachedCore();
    core.enqueue({ kind: 'message', text: 'buffered' }, 'm1', t0);
    assert.equal(core.nextToSend()!.stamp.sequence, 2);
    assert.equal(core.requestHandover(1), false, 'a future generation is not ours');
    assert.equal(core.requestHandover(0), true);
    assert.equal(core.requestHandover(0), false, 'a second report of the same failure is ignored');
    assert.equal(core.reconnecting, true);
    assert.equal(core.canSend, false);
    assert.equal(core.nextToSend(), null);
    assert.equal(core.state.attachedEpoch, null, 'the hub let go of the failed credential');
    assert.equal(core.needsAttach, false, 'no attach while reconnecting');
    core.reconnected({ credentials: { token: 'b' }, cursor: { ack: 7 } }, t1);
    assert.equal(core.requestHandover(0), false, 'a stale generation is ignored after the reconnect');
    assert.equal(core.state.status, 'queued', 'back to the status before the handover');
    assert.deepEqual(core.state.cursor, { ack: 7 });
    assert.equal(core.awaitingTranscript, false, 'this profile replays no transcript');
    assert.equal(core.needsAttach, true);
    const attach = core.attachInput('wf');
    assert.equal(attach.generation, 1);
    assert.deepEqual(attach.credentials, { token: 'b' });
    const resend = core.nextToSend()!;
    assert.equal(resend.item.id, 'm1');
    assert.deepEqual(
      resend.stamp,
      { sequence: 1, idempotencyKey: 'uid:m1', customerMessagesBefore: 0 },
      'the sequence restarts',
    );
    assert.deepEqual(resend.credentials, { token: 'b' });
    assert.equal(core.state.handovers, 1);
    assert.equal(core.state.lastHandoverAt, t1);
  });

  it('keeps numbering after a reconnect when the profile does not restart the sequence', () => {
    const core = openedCore(
      profileWith({ afterReconnect: { restartsSequence: false, replaysTranscript: false } }),
    );
    core.enqueue({ kind: 'message', text: 'buffered' }, 'm1', t0);
    assert.equal(core.nextToSend()!.stamp.sequence, 2);
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' } }, t0);
    assert.equal(core.nextToSend()!.stamp.sequence, 3, 'a new generation takes the next number');
  });

  it('batches from the hub of the old generation are ignored after a handover', () => {
    const core = attachedCore();
    const oldEpoch = core.state.attachedEpoch!;
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' } }, t0);
    const { epoch } = core.attachInput('wf');
    assert.equal(
      core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { epoch: oldEpoch, generation: 0 })),
      null,
    );
    assert.equal(
      core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { epoch, generation: 0 })),
      null,
    );
    assert.notEqual(core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { epoch })), null);
  });

  it('an agent end rejects the pending outbox so callers are not left waiting', () => {
    const core = attachedCore();
    core.enqueue({ kind: 'message', text: 'late' }, 'm1', t0);
    core.acceptVendorEvents(batchFor(core, [{ kind: 'chatEnded', reason: 'agent' }]));
    assert.equal(core.ended, true);
    assert.equal(core.outcomeOf('m1')?.kind, 'rejected');
    assert.equal(core.enqueue({ kind: 'message', text: 'after' }, 'm2', t0).kind, 'refused');
    assert.deepEqual(core.checkSendMessage({ clientMessageId: 'm3', text: 'x' }), {
      type: 'ended',
      reason: 'the chat has ended',
    });
    assert.equal(
      core.checkSendMessage({ clientMessageId: 'm1', text: 'late' }),
      null,
      'a known id gets its outcome',
    );
    assert.equal(core.checkSendMessage({ clientMessageId: 'm1', text: 'x' })!.type, 'reused');
    assert.equal(core.needsAttach, false);
  });

  it('validates sendMessage input without changing anything', () => {
    const core = openedCore();
    assert.match(core.checkSendMessage({ clientMessageId: '', text: 'x' })!.reason, /clientMessageId/);
    assert.match(core.checkSendMessage({ clientMessageId: 'a', text: '   ' })!.reason, /text/);
    assert.match(core.checkSendMessage('nope')!.reason, /expects an object/);
    assert.equal(core.checkSendMessage('nope')!.type, 'invalid');
    assert.equal(core.checkSendMessage({ clientMessageId: 'a', text: 'ok' }), null);
    assert.equal(core.state.outbox.length, 0);
  });

  it('delivery progress removes delivered events and counts them', () => {
    const core = attachedCore();
    core.acceptVendorEvents(
      batchFor(core, [
        { kind: 'agentTyping' },
        { kind: 'agentNotTyping' },
        { kind: 'messageReceived', text: 'a' },
      ]),
    );
    core.delivered(1);
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.index),
      [2],
    );
    assert.equal(core.state.counters.eventsDelivered, 2);
    assert.equal(core.state.deliveredThrough, 1);
    assert.equal(core.hasPendingDeliveries, true);
    core.delivered(2);
    assert.equal(core.hasPendingDeliveries, false);
    assert.equal(core.result().eventsDelivered, 3);
  });

  it('without a webhook nothing is pending delivery and the hub is given no delivery target', () => {
    const noHook = { provider: 'p', customerId: 'c1', visitorName: 'V' };
    const core = openedCore(profileWith(), noHook);
    const attach = core.attachInput('wf');
    assert.equal(attach.delivery, null);
    core.attached(attach.epoch, hub);
    core.acceptVendorEvents(batchFor(core, [{ kind: 'messageReceived', text: 'a' }]));
    assert.equal(core.hasPendingDeliveries, false);
    assert.equal(core.state.deliveredThrough, 0);
    assert.equal(core.state.counters.eventsDelivered, 0, 'nothing was delivered to a channel');
    assert.equal(core.shouldRestoreDirectDelivery, false);
  });

  it('keeps a bounded window for pull consumers and reports truncation', () => {
    const core = attachedCore(profileWith(), { ...input, tuning: { recentEventsKept: 2 } });
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'agentTyping' }, { kind: 'agentNotTyping' }, { kind: 'agentTyping' }]),
    );
    const res = core.eventsAfter(-1);
    assert.deepEqual(
      res.events.map((e) => e.index),
      [1, 2],
    );
    assert.equal(res.truncated, true);
    assert.equal(core.eventsAfter(0).truncated, false);
    assert.equal(core.hasEventsAfter(1), true);
    assert.equal(core.hasEventsAfter(2), false);
  });

  it('survives a continue-as-new round trip through JSON', () => {
    const core = attachedCore();
    core.enqueue({ kind: 'message', text: 'pending' }, 'm1', t0);
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'messageReceived', text: 'hello' }], { cursor: { ack: 5 } }),
    );
    const resumed = SessionCore.resume(JSON.parse(JSON.stringify(core.state)));
    assert.equal(resumed.state.runs, 2);
    assert.equal(resumed.state.outbox[0]?.id, 'm1');
    assert.deepEqual(resumed.state.cursor, { ack: 5 });
    assert.deepEqual(resumed.state.profile, core.state.profile);
    assert.equal(resumed.needsAttach, false, 'the hub keeps the connection across continue-as-new');
    // The hub goes on signalling the next run under the same attachment.
    const next = batchFor(resumed, [{ kind: 'agentTyping' }], { cursor: { ack: 6 } });
    assert.equal(next.firstIndex, 1);
    assert.notEqual(resumed.acceptVendorEvents(next), null);
    assert.equal(resumed.state.recentEvents.at(-1)?.id, 'uid:1');
  });
});

describe('SessionCore attachments', () => {
  it('the attach is current from the moment it is issued: a batch before its own result is accepted', () => {
    const core = openedCore();
    assert.equal(core.needsAttach, true);
    const attach = core.attachInput('wf');
    assert.equal(attach.epoch, 1);
    assert.equal(attach.sessionUid, 'uid');
    assert.equal(attach.sessionWorkflowId, 'wf');
    assert.equal(attach.nextEventIndex, 0);
    assert.deepEqual(attach.cursor, { ack: -1 });
    assert.equal(core.needsAttach, false, 'issued: the lane waits');
    assert.notEqual(core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { epoch: 1 })), null);
    assert.equal(core.attached(1, hub), true);
    assert.deepEqual(core.state.hub, hub);
    assert.equal(core.state.nextEventIndex, 1);
  });

  it('epochs grow with every attach; a late answer for an older attach is not recorded', () => {
    const core = openedCore();
    const first = core.attachInput('wf');
    core.connectionLost({ hubId: 'hub-1', epoch: first.epoch, reason: 'draining', message: 'bye' }, t0);
    const second = core.attachInput('wf');
    assert.equal(second.epoch, first.epoch + 1);
    assert.equal(core.attached(first.epoch, { hubId: 'old', hubTaskQueue: 'old-q' }), false);
    assert.equal(core.state.hub, null);
    assert.equal(core.attached(second.epoch, hub), true);
  });

  it('attachFailed frees only the attach it names', () => {
    const core = openedCore();
    const first = core.attachInput('wf');
    core.attachFailed(first.epoch + 1);
    assert.equal(core.state.attachedEpoch, first.epoch);
    core.attachFailed(first.epoch);
    assert.equal(core.state.attachedEpoch, null);
    assert.equal(core.needsAttach, true);
    core.forgetHub();
    assert.equal(core.state.hub, null);
  });

  it('does not attach before the vendor session is open', () => {
    const core = SessionCore.create(input, 'uid');
    assert.equal(core.needsAttach, false);
  });

  it('connectionLost for an old epoch is ignored; for the current one the session attaches again', () => {
    const core = attachedCore();
    const first = core.state.attachedEpoch!;
    assert.equal(
      core.connectionLost({ hubId: 'hub-1', epoch: first, reason: 'draining', message: 'x' }, t0),
      'reattach',
    );
    assert.equal(core.state.hub, null, 'a draining hub takes no more sessions');
    assert.equal(core.needsAttach, true);
    const second = core.attachInput('wf').epoch;
    core.attached(second, hub);
    assert.equal(
      core.connectionLost({ hubId: 'hub-1', epoch: first, reason: 'sessionGone', message: 'late' }, t0),
      'ignored',
    );
    assert.equal(core.ended, false);
    assert.equal(core.state.attachedEpoch, second);
    assert.deepEqual(core.state.hub, hub);
  });

  it('hubLost without an epoch matches by hubId and clears the hub, so the next attach goes anywhere', () => {
    const core = attachedCore();
    assert.equal(
      core.connectionLost({ hubId: 'other-hub', reason: 'hubLost', message: 'dead' }, t0),
      'ignored',
    );
    assert.deepEqual(core.state.hub, hub);
    assert.notEqual(core.state.attachedEpoch, null);
    assert.equal(core.connectionLost({ hubId: 'hub-1', reason: 'hubLost', message: 'dead' }, t0), 'reattach');
    assert.equal(core.state.hub, null);
    assert.equal(core.state.attachedEpoch, null);
    assert.equal(core.needsAttach, true);
    // With no hub recorded, the same report again no longer matches.
    assert.equal(core.connectionLost({ hubId: 'hub-1', reason: 'hubLost', message: 'dead' }, t0), 'ignored');
  });

  it('a live hub adopts the connection of a lost hub: a new attachment from the recorded cursor', () => {
    const core = attachedCore();
    core.acceptVendorEvents(batchFor(core, [{ kind: 'messageReceived', text: 'hi' }]));
    const before = core.state.attachedEpoch!;
    const request = { fromHubId: hub.hubId, hubId: 'hub-2', hubTaskQueue: 'hub-2-queue' };
    assert.equal(core.adoptionRefusal(request, false), null);
    const input = core.adopt(request, 'wf');
    assert.ok(input.epoch > before, 'a new attachment: batches of the lost hub go stale');
    assert.equal(core.state.attachedEpoch, input.epoch);
    assert.deepEqual(core.state.hub, { hubId: 'hub-2', hubTaskQueue: 'hub-2-queue' });
    assert.deepEqual(input.cursor, core.state.cursor, 'resumes where the record stands');
    assert.equal(input.nextEventIndex, core.state.nextEventIndex);
    assert.equal(core.needsAttach, false, 'no attach activity follows an adoption');
    // A batch of the lost hub's attachment is refused; the adopter's is recorded.
    const stale = batchFor(core, [{ kind: 'messageReceived', text: 'late' }], { epoch: before });
    assert.equal(core.acceptVendorEvents(stale), null);
    assert.notEqual(core.acceptVendorEvents(batchFor(core, [{ kind: 'messageReceived', text: 'x' }])), null);
  });

  it('refuses an adoption unless the lost hub holds a settled attachment now', () => {
    const request = { fromHubId: hub.hubId, hubId: 'hub-2', hubTaskQueue: 'hub-2-queue' };
    const core = attachedCore();
    assert.match(core.adoptionRefusal({ ...request, fromHubId: 'hub-9' }, false)!, /not held by hub hub-9/);
    assert.match(core.adoptionRefusal(request, true)!, /attachment is in progress/);
    core.adopt(request, 'wf');
    assert.match(
      core.adoptionRefusal(request, false)!,
      /not held by hub hub-1 \(hub-2\)/,
      'adopted once only',
    );

    const lost = attachedCore();
    lost.connectionLost({ hubId: hub.hubId, reason: 'hubLost', message: 'gone' }, t1);
    assert.match(lost.adoptionRefusal(request, false)!, /not held/, 'already told to attach anywhere');

    const handingOver = attachedCore();
    assert.equal(handingOver.requestHandover(handingOver.state.generation), true);
    assert.match(handingOver.adoptionRefusal(request, false)!, /in progress/);

    const ended = attachedCore();
    ended.releaseConnection();
    assert.match(ended.adoptionRefusal(request, false)!, /ended/);
  });

  it('sessionGone ends the chat as expired', () => {
    const core = attachedCore();
    core.enqueue({ kind: 'message', text: 'waiting' }, 'm1', t0);
    const epoch = core.state.attachedEpoch!;
    assert.equal(
      core.connectionLost({ hubId: 'hub-1', epoch, reason: 'sessionGone', message: 'gone' }, t0),
      'ended',
    );
    assert.equal(core.ended, true);
    assert.equal(core.state.endReason, 'vendorSessionExpired');
    assert.deepEqual(core.state.recentEvents.at(-1)?.event, {
      kind: 'chatEnded',
      reason: 'vendorSessionExpired',
      detail: 'gone',
    });
    assert.equal(core.outcomeOf('m1')?.kind, 'rejected');
    assert.equal(core.needsAttach, false);
    assert.equal(core.connectionLost({ hubId: 'hub-1', reason: 'hubLost', message: 'x' }, t0), 'ignored');
  });

  it('sessionGone while the chat is ending does not end it as expired (our ChatEnd did that)', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    assert.equal(core.requestEnd(t0).kind, 'queued');
    assert.equal(core.state.status, 'ending');
    assert.equal(
      core.connectionLost({ hubId: 'hub-1', epoch, reason: 'sessionGone', message: 'gone' }, t0),
      'ignored',
    );
    assert.equal(core.ended, false);
    assert.equal(core.state.connectionReleased, true);
    assert.equal(core.state.attachedEpoch, null);
    assert.equal(core.needsAttach, false, 'the connection is not attached again');
    // The send lane records the end.
    const end = core.nextToSend()!;
    assert.equal(end.item.command.kind, 'end');
    core.sendAccepted(end.item.id, t0);
    assert.equal(core.ended, true);
    assert.equal(core.state.endReason, 'client');
  });

  it('conflict ends the chat as vendorConflict', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    assert.equal(
      core.connectionLost({ hubId: 'hub-1', epoch, reason: 'conflict', message: '409' }, t0),
      'ended',
    );
    assert.equal(core.state.endReason, 'vendorConflict');
    assert.equal(core.state.failure, null);
  });

  it('failed ends the chat with the typed failure', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    assert.equal(
      core.connectionLost(
        {
          hubId: 'hub-1',
          epoch,
          reason: 'failed',
          message: 'bad body',
          failureType: 'VendorMalformedResponse',
        },
        t0,
      ),
      'ended',
    );
    assert.deepEqual(core.state.failure, { type: 'VendorMalformedResponse', message: 'bad body' });
    assert.equal(core.state.endReason, 'bridgeError');

    const untyped = attachedCore();
    untyped.connectionLost(
      { hubId: 'hub-1', epoch: untyped.state.attachedEpoch!, reason: 'failed', message: 'broken' },
      t0,
    );
    assert.equal(untyped.state.failure?.type, 'VendorConnectionFailed');
  });

  it('direct delivery: off after a batch the hub does not deliver, restored once pending deliveries drain', () => {
    const core = openedCore();
    const first = core.attachInput('wf');
    assert.deepEqual(first.delivery, { webhookUrl: 'http://hook', customerId: 'c1', vendorSessionId: 'v1' });
    assert.equal(core.state.directDelivery, true);
    core.attached(first.epoch, hub);

    core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { hubDelivers: true }));
    core.eventsDelivered({ hubId: hub.hubId, epoch: first.epoch, deliveredThrough: 0, handBack: false });
    assert.equal(core.state.directDelivery, true, 'all delivered: still direct');
    assert.equal(core.shouldRestoreDirectDelivery, false);

    core.acceptVendorEvents(
      batchFor(core, [
        { kind: 'messageReceived', text: 'a' },
        { kind: 'messageReceived', text: 'b' },
      ]),
    );
    assert.equal(core.state.directDelivery, false, 'the hub stopped delivering');
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.index),
      [1, 2],
    );
    assert.equal(core.shouldRestoreDirectDelivery, false, 'not while deliveries are pending');

    core.delivered(1);
    assert.equal(core.shouldRestoreDirectDelivery, false);
    core.delivered(2);
    assert.equal(core.shouldRestoreDirectDelivery, true);
    core.restoreDirectDelivery();
    assert.equal(core.needsAttach, true, 'attach again (to the same hub) with delivery');
    const again = core.attachInput('wf');
    assert.equal(again.epoch, first.epoch + 1);
    assert.deepEqual(again.delivery, { webhookUrl: 'http://hook', customerId: 'c1', vendorSessionId: 'v1' });
    assert.equal(again.nextEventIndex, 3);
    assert.deepEqual(core.state.hub, hub, 'the hub is kept: it replaces the connection in place');
    assert.equal(core.shouldRestoreDirectDelivery, false);
  });

  it('an attach issued while deliveries are pending leaves delivery to the session', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.acceptVendorEvents(batchFor(core, [{ kind: 'agentTyping' }], { deliveredThrough: -1 }));
    core.connectionLost({ hubId: 'hub-1', epoch, reason: 'hubLost', message: 'x' }, t0);
    const attach = core.attachInput('wf');
    assert.equal(attach.delivery, null);
    assert.equal(core.state.directDelivery, false);
  });

  it('the end is recorded after releaseConnection: no later batch is accepted', () => {
    const core = attachedCore();
    const epoch = core.state.attachedEpoch!;
    core.requestEnd(t0);
    const end = core.nextToSend()!;
    assert.deepEqual(core.releaseConnection(), { hubTaskQueue: hub.hubTaskQueue, epoch });
    assert.equal(core.needsAttach, false);
    assert.equal(
      core.acceptVendorEvents(batchFor(core, [{ kind: 'messageReceived', text: 'late' }], { epoch })),
      null,
      'the hub let go: nothing it still names follows the end',
    );
    core.sendAccepted(end.item.id, t0);
    assert.equal(core.ended, true);
    assert.equal(core.state.recentEvents.at(-1)?.id, 'uid:0');
    assert.equal(core.state.endReason, 'client');
    assert.equal(core.hasPendingDeliveries, true, 'the end still goes to the channel');
  });

  it('releaseConnection names the latest attach even before its answer, and nothing when no hub was known', () => {
    const never = openedCore();
    never.attachInput('wf');
    assert.equal(never.releaseConnection(), null, 'no hub answered yet: nothing to detach from');

    const core = attachedCore();
    const pending = core.attachInput('wf'); // e.g. restoring direct delivery on the same hub
    assert.deepEqual(core.releaseConnection(), { hubTaskQueue: hub.hubTaskQueue, epoch: pending.epoch });
  });

  it('requestEnd joins the queued ChatEnd; a refused ChatEnd returns the chat to its status', () => {
    const core = attachedCore();
    const first = core.requestEnd(t0);
    assert.ok(first.kind === 'queued');
    assert.deepEqual(core.requestEnd(t0), { kind: 'known', id: first.id });
    assert.equal(core.enqueue({ kind: 'message', text: 'x' }, 'm1', t0).kind, 'refused');
    core.nextToSend();
    core.sendRejected(first.id, 'no');
    assert.equal(core.state.status, 'queued');
    assert.equal(core.outcomeOf(first.id)?.kind, 'rejected');
  });
});

describe('SessionCore after a handover (transcript reconciliation)', () => {
  const replaying = profileWith({ afterReconnect: { restartsSequence: true, replaysTranscript: true } });

  function coreWithUnansweredSend(): SessionCore {
    const core = attachedCore(replaying);
    core.enqueue({ kind: 'message', text: 'first' }, 'm1', t0);
    core.nextToSend();
    core.sendAccepted('m1', t0);
    core.enqueue({ kind: 'message', text: 'lost answer' }, 'm2', t0);
    core.nextToSend(); // attempted with the old affinity; its answer never came, its retry met the 503
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' } }, t0);
    const { epoch } = core.attachInput('wf');
    core.attached(epoch, hub);
    return core;
  }

  it('holds the outbox until the vendor replays its transcript', () => {
    const core = coreWithUnansweredSend();
    assert.equal(core.awaitingTranscript, true);
    assert.equal(core.canSend, false);
    assert.equal(core.nextToSend(), null);
  });

  it('marks the unanswered head accepted when the vendor transcript already holds it', () => {
    const core = coreWithUnansweredSend();
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'reconnected', transcriptEntries: 2, customerMessages: 2 }]),
    );
    assert.equal(core.awaitingTranscript, false);
    assert.equal(core.outcomeOf('m2')?.kind, 'accepted');
    assert.equal(core.state.outbox.length, 0);
    assert.equal(core.state.counters.messagesFromCustomer, 2);
  });

  it('resends the head when the vendor transcript does not hold it', () => {
    const core = coreWithUnansweredSend();
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'reconnected', transcriptEntries: 1, customerMessages: 1 }]),
    );
    assert.equal(core.canSend, true);
    const resend = core.nextToSend()!;
    assert.equal(resend.item.id, 'm2');
    assert.deepEqual(resend.stamp, { sequence: 1, idempotencyKey: 'uid:m2', customerMessagesBefore: 1 });
  });

  it('a replay from a stale attachment does not release the outbox', () => {
    const core = coreWithUnansweredSend();
    core.acceptVendorEvents(
      batchFor(core, [{ kind: 'reconnected', customerMessages: 2 }], { generation: 0 }),
    );
    assert.equal(core.awaitingTranscript, true);
    assert.equal(core.outcomeOf('m2'), undefined);
  });

  it('resends after the wait expires when no transcript comes', () => {
    const core = coreWithUnansweredSend();
    core.transcriptWaitExpired(t1);
    assert.equal(core.nextToSend()?.item.id, 'm2');
  });

  function coreThatConfirmsReplay(): SessionCore {
    const core = attachedCore(replaying);
    core.enqueue({ kind: 'message', text: 'buffered' }, 'm1', t0);
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' }, confirmsReplay: true }, t0);
    const { epoch } = core.attachInput('wf');
    core.attached(epoch, hub);
    return core;
  }

  it('confirms the replay to the vendor after processing it, before any buffered message, unnumbered', () => {
    const core = coreThatConfirmsReplay();
    assert.equal(core.nextToSend(), null, 'nothing goes out before the replay');
    core.acceptVendorEvents(batchFor(core, [{ kind: 'reconnected', customerMessages: 0 }]));
    const confirm = core.nextToSend()!;
    assert.deepEqual(confirm.item.command, { kind: 'confirmReplay' });
    assert.equal(confirm.stamp.sequence, null, 'ChasitorResyncState carries no X-LIVEAGENT-SEQUENCE');
    core.sendAccepted(confirm.item.id, t1);
    const buffered = core.nextToSend()!;
    assert.equal(buffered.item.id, 'm1');
    assert.equal(buffered.stamp.sequence, 1, 'the restarted numbering starts with the first message');
    assert.equal(core.outcomeOf(confirm.item.id), undefined, 'no caller waits on the confirmation');
  });

  it('confirms after an expired replay wait too, and keeps one confirmation through a second failover', () => {
    const core = coreThatConfirmsReplay();
    core.transcriptWaitExpired(t1);
    assert.equal(core.nextToSend()?.item.command.kind, 'confirmReplay');
    core.requestHandover(core.state.generation);
    core.reconnected({ credentials: { token: 'c' }, confirmsReplay: true }, t1);
    const { epoch } = core.attachInput('wf');
    core.attached(epoch, hub);
    core.acceptVendorEvents(batchFor(core, [{ kind: 'reconnected', customerMessages: 0 }]));
    assert.deepEqual(
      core.state.outbox.map((i) => i.command.kind),
      ['confirmReplay', 'message'],
    );
  });

  it('queues no confirmation when the reconnect made it already (sessions from before)', () => {
    const core = attachedCore(replaying);
    core.enqueue({ kind: 'message', text: 'buffered' }, 'm1', t0);
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' } }, t0);
    const { epoch } = core.attachInput('wf');
    core.attached(epoch, hub);
    core.acceptVendorEvents(batchFor(core, [{ kind: 'reconnected', customerMessages: 0 }]));
    assert.equal(core.nextToSend()?.item.id, 'm1');
  });
});
