import assert from 'node:assert/strict';
import { SessionCore } from '../../src/workflows/session-core';

const t0 = '2026-01-01T00:00:00.000Z';
const input = { provider: 'p', customerId: 'c1', visitorName: 'V', webhookUrl: 'http://hook' };

function openedCore(): SessionCore {
  const core = SessionCore.create(input, 'uid');
  core.sessionOpened({
    credentials: { token: 'a' },
    cursor: { ack: -1 },
    vendorSessionId: 'v1',
    firstSequence: 2,
  });
  return core;
}

describe('SessionCore (pure session rules)', () => {
  it('assigns each ingested event a stable index and idempotency key, and advances the cursor', () => {
    const core = openedCore();
    const recorded = core.ingest(
      {
        events: [
          { kind: 'agentConnected', agentName: 'Ann' },
          { kind: 'messageReceived', text: 'hi' },
        ],
        cursor: { ack: 3 },
      },
      t0,
    );
    assert.deepEqual(
      recorded.map((e) => [e.index, e.id]),
      [
        [0, 'uid:0'],
        [1, 'uid:1'],
      ],
    );
    assert.deepEqual(core.state.cursor, { ack: 3 });
    assert.equal(core.state.status, 'chatting');
    assert.equal(core.state.agent?.name, 'Ann');
    assert.equal(core.nextDeliveryBatch(10).length, 2);
  });

  it('sends the outbox in order, each item keeping its sequence across retries', () => {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'one' }, 'm1', t0);
    core.enqueue({ kind: 'message', text: 'two' }, 'm2', t0);
    const first = core.nextToSend()!;
    assert.equal(first.item.id, 'm1');
    assert.equal(first.sequence, 2);
    assert.equal(core.nextToSend()!.sequence, 2, 'a retry of the same item reuses its sequence');
    core.sendAccepted('m1', t0);
    const second = core.nextToSend()!;
    assert.equal(second.item.id, 'm2');
    assert.equal(second.sequence, 3);
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

  it('remembers accepted message ids however much typing follows (fire-and-forget outcomes are not kept)', () => {
    const core = SessionCore.create({ ...input, tuning: { acceptedIdsKept: 5 } }, 'uid');
    core.sessionOpened({
      credentials: { token: 'a' },
      cursor: { ack: -1 },
      vendorSessionId: 'v1',
      firstSequence: 1,
    });
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

  it('a handover pauses sending, ignores stale generations, resets the sequence and resends the buffered item', () => {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'buffered' }, 'm1', t0);
    assert.equal(core.nextToSend()!.sequence, 2);
    assert.equal(core.requestHandover(0), true);
    assert.equal(core.requestHandover(0), false, 'a second report of the same failure is ignored');
    assert.equal(core.canSend, false);
    core.reconnected({ credentials: { token: 'b' }, resetSequence: true }, t0);
    assert.equal(core.requestHandover(0), false, 'a stale generation is ignored after the reconnect');
    const resend = core.nextToSend()!;
    assert.equal(resend.item.id, 'm1');
    assert.equal(resend.sequence, 1, 'the sequence restarts after resetSequence');
    assert.deepEqual(resend.credentials, { token: 'b' });
    assert.equal(core.state.handovers, 1);
  });

  it('an agent end rejects the pending outbox so callers are not left waiting', () => {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'late' }, 'm1', t0);
    core.ingest({ events: [{ kind: 'chatEnded', reason: 'agent' }], cursor: { ack: 1 } }, t0);
    assert.equal(core.ended, true);
    assert.equal(core.outcomeOf('m1')?.kind, 'rejected');
    assert.equal(core.enqueue({ kind: 'message', text: 'after' }, 'm2', t0).kind, 'refused');
    assert.equal(core.checkSendMessage({ clientMessageId: 'm3', text: 'x' }), 'the chat has ended');
  });

  it('validates sendMessage input without changing anything', () => {
    const core = openedCore();
    assert.match(core.checkSendMessage({ clientMessageId: '', text: 'x' })!, /clientMessageId/);
    assert.match(core.checkSendMessage({ clientMessageId: 'a', text: '   ' })!, /text/);
    assert.match(core.checkSendMessage('nope')!, /expects an object/);
    assert.equal(core.checkSendMessage({ clientMessageId: 'a', text: 'ok' }), null);
    assert.equal(core.state.outbox.length, 0);
  });

  it('delivery progress removes delivered events and counts them', () => {
    const core = openedCore();
    core.ingest(
      {
        events: [{ kind: 'agentTyping' }, { kind: 'agentNotTyping' }, { kind: 'messageReceived', text: 'a' }],
        cursor: {},
      },
      t0,
    );
    core.delivered(1);
    assert.deepEqual(
      core.nextDeliveryBatch(10).map((e) => e.index),
      [2],
    );
    assert.equal(core.state.counters.eventsDelivered, 2);
    assert.equal(core.state.deliveredThrough, 1);
  });

  it('keeps a bounded window for pull consumers and reports truncation', () => {
    const core = SessionCore.create({ ...input, tuning: { recentEventsKept: 2 } }, 'uid');
    core.ingest(
      { events: [{ kind: 'agentTyping' }, { kind: 'agentNotTyping' }, { kind: 'agentTyping' }], cursor: {} },
      t0,
    );
    const res = core.eventsAfter(-1);
    assert.deepEqual(
      res.events.map((e) => e.index),
      [1, 2],
    );
    assert.equal(res.truncated, true);
    assert.equal(core.eventsAfter(0).truncated, false);
  });

  it('survives a continue-as-new round trip through JSON', () => {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'pending' }, 'm1', t0);
    core.ingest({ events: [{ kind: 'messageReceived', text: 'hello' }], cursor: { ack: 5 } }, t0);
    const resumed = SessionCore.resume(JSON.parse(JSON.stringify(core.state)));
    assert.equal(resumed.state.runs, 2);
    assert.equal(resumed.state.outbox[0]?.id, 'm1');
    assert.deepEqual(resumed.state.cursor, { ack: 5 });
    assert.equal(
      resumed.ingest({ events: [{ kind: 'agentTyping' }], cursor: { ack: 6 } }, t0)[0]?.id,
      'uid:1',
    );
  });
});

describe('SessionCore after a handover (transcript reconciliation)', () => {
  function coreWithUnansweredSend(): SessionCore {
    const core = openedCore();
    core.enqueue({ kind: 'message', text: 'first' }, 'm1', t0);
    core.nextToSend();
    core.sendAccepted('m1', t0);
    core.enqueue({ kind: 'message', text: 'lost answer' }, 'm2', t0);
    core.nextToSend(); // attempted with the old affinity; its answer never came, its retry met the 503
    core.requestHandover(0);
    core.reconnected({ credentials: { token: 'b' }, resetSequence: true, awaitsTranscriptReplay: true }, t0);
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
    core.ingest(
      { events: [{ kind: 'reconnected', transcriptEntries: 2, customerMessages: 2 }], cursor: {} },
      t0,
    );
    assert.equal(core.outcomeOf('m2')?.kind, 'accepted');
    assert.equal(core.state.outbox.length, 0);
    assert.equal(core.state.counters.messagesFromCustomer, 2);
  });

  it('resends the head when the vendor transcript does not hold it', () => {
    const core = coreWithUnansweredSend();
    core.ingest(
      { events: [{ kind: 'reconnected', transcriptEntries: 1, customerMessages: 1 }], cursor: {} },
      t0,
    );
    assert.equal(core.canSend, true);
    const resend = core.nextToSend()!;
    assert.equal(resend.item.id, 'm2');
    assert.equal(resend.sequence, 1);
  });

  it('resends after the wait expires when no transcript comes', () => {
    const core = coreWithUnansweredSend();
    core.transcriptWaitExpired();
    assert.equal(core.nextToSend()?.item.id, 'm2');
  });
});
