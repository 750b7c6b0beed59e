// The chat session end to end on the Temporal dev server (a real server with real activity timing),
// against the strict Live Agent simulator and a signed webhook receiver on loopback.
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/shared/failure-types';
import { sendMessageUpdate } from '../../src/shared/definitions';
import { eventually, sessionInput, startBridge, uniqueCustomer } from '../helpers/bridge-harness';
import {
  liveAgentFixture,
  onlySessionId,
  type LiveAgentFixture,
  openAcceptedChat,
  openChat,
} from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';

const agentTexts = (f: LiveAgentFixture) =>
  f.webhook
    .uniqueEvents()
    .filter((e) => e.event.kind === 'messageReceived')
    .map((e) => (e.event as { text: string }).text);

/** The ApplicationFailure type behind a client error (an update failure wraps it). */
function failureTypeOf(err: unknown): string | undefined {
  for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}

/** Every delivery key seen once per event, and events arrive in index order. */
function assertDeliveredOnceInOrder(f: LiveAgentFixture): void {
  const unique = f.webhook.uniqueEvents();
  assert.deepEqual(
    unique.map((e) => e.index),
    unique.map((_, i) => i),
    'events arrive in order with no gaps',
  );
  const keys = new Set(f.webhook.deliveries.map((d) => d.idempotencyKey));
  assert.equal(keys.size, unique.length, 'one idempotency key per event');
}

describe('Live Agent chat session (dev server)', function () {
  this.timeout(90_000);
  const env = useDevServer();
  let f: LiveAgentFixture;

  afterEach(async () => {
    await f?.close();
  });

  it('relays a conversation both ways and ends when the agent ends it', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      const sent = await f.bridge.sessions.send(key, {
        clientMessageId: 'c1',
        text: 'Hello, my order is late',
      });
      assert.equal(sent.duplicate, false);
      f.sim.sendAgentMessage(vendorId, 'Sorry! Let me check.');
      await f.bridge.sessions.send(key, { clientMessageId: 'c2', text: 'Order 42' });
      f.sim.sendAgentMessage(vendorId, 'It ships today.');
      await f.webhook.waitFor(() => agentTexts(f).length === 2);
      f.sim.endChat(vendorId);
      const result = await handle.result();
      assert.equal(result.endReason, 'agent');
      assert.equal(result.messagesFromCustomer, 2);
      assert.equal(result.messagesFromAgent, 2);
      assert.deepEqual(agentTexts(f), ['Sorry! Let me check.', 'It ships today.']);
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['Hello, my order is late', 'Order 42'],
      );
      const kinds = f.webhook.uniqueEvents().map((e) => e.event.kind);
      assert.equal(kinds[0], 'queueUpdate');
      assert.ok(kinds.includes('agentConnected'));
      assert.equal(kinds.at(-1), 'chatEnded');
      assertDeliveredOnceInOrder(f);
      const transcript = await f.bridge.sessions.transcript(key);
      assert.deepEqual(
        transcript.filter((t) => t.from !== 'system').map((t) => `${t.from}:${t.text}`),
        [
          'customer:Hello, my order is late',
          'agent:Sorry! Let me check.',
          'customer:Order 42',
          'agent:It ships today.',
        ],
      );
      const stats = f.sim.stats();
      assert.equal(stats.maxConcurrentPollsPerSession, 1);
      assert.equal(stats.conflicts409, 0);
      assert.equal(f.webhook.rejectedSignatures.length, 0, 'every delivery carried a valid signature');
    });
  });

  it('sending the same clientMessageId twice sends it once', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      await f.bridge.sessions.startOrGet(key, sessionInput(key, f.webhook.url));
      const vendorId = await onlySessionId(f.sim);
      const [a, b] = await Promise.all([
        f.bridge.sessions.send(key, { clientMessageId: 'same', text: 'once please' }),
        f.bridge.sessions.send(key, { clientMessageId: 'same', text: 'once please' }),
      ]);
      const again = await f.bridge.sessions.send(key, { clientMessageId: 'same', text: 'once please' });
      assert.equal(a.vendorSequence, b.vendorSequence);
      assert.equal(again.duplicate, true);
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['once please'],
      );
      await f.bridge.sessions.end(key);
    });
  });

  it('an id reused with different text is refused (IdempotencyKeyReused) and sends nothing; text is sent as written', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      await f.bridge.sessions.startOrGet(key, sessionInput(key, f.webhook.url));
      const vendorId = await onlySessionId(f.sim);
      await f.bridge.sessions.send(key, { clientMessageId: 'm1', text: '  spaced  ' });
      await f.bridge.sessions.send(key, { clientMessageId: 'm1 ', text: 'another id' });
      const err = await f.bridge.sessions
        .send(key, { clientMessageId: 'm1', text: 'different text' })
        .catch((e: unknown) => e);
      assert.equal(failureTypeOf(err), 'IdempotencyKeyReused', String(err));
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['  spaced  ', 'another id'],
      );
      await f.bridge.sessions.end(key);
    });
  });

  it('real Salesforce shapes: no offset in Messages, post-chat attachedRecords on ChatEnded → ends as agent', async () => {
    f = await liveAgentFixture(env(), { sendOffset: false });
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      f.sim.sendAgentMessage(vendorId, 'before the end');
      await f.webhook.waitFor(() => agentTexts(f).length === 1);
      f.sim.endChat(vendorId, {
        attachedRecords: [{ fieldName: 'Case', fieldValue: '500000000000001' }],
      });
      const result = await handle.result();
      assert.equal(result.endReason, 'agent');
      const last = f.webhook.uniqueEvents().at(-1)!.event;
      assert.deepEqual(last, { kind: 'chatEnded', reason: 'agent' });
      assert.equal(f.sim.stats().expiredSessions, 0);
    });
  });

  it('a poison message (nested 4,100 deep) and a 3 MB agent message are recorded as bounded unknown events; the chat goes on', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      let deep: unknown = 'bottom';
      for (let i = 0; i < 4_100; i++) deep = { nested: deep };
      f.sim.pushRawMessage(vendorId, 'RichMessage', deep);
      f.sim.sendAgentMessage(vendorId, 'x'.repeat(3 * 1024 * 1024));
      f.sim.sendAgentMessage(vendorId, 'still talking');
      await f.webhook.waitFor(() => agentTexts(f).includes('still talking'), 30_000);
      const dropped = f.webhook
        .uniqueEvents()
        .filter((e) => e.event.kind === 'unknown')
        .map((e) => e.event as { vendorType: string; raw: { reason: string } });
      assert.deepEqual(
        dropped.map((d) => [d.vendorType, d.raw.reason]),
        [
          ['RichMessage', 'tooDeep'],
          ['messageReceived', 'tooLarge'],
        ],
      );
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
      assertDeliveredOnceInOrder(f);
    });
  });

  it('one vendor answer of 3.7 MB (60 messages of 60 KB) fits one update: the largest are dropped as unknown events, the rest relayed in order', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      // Queued in one tick: the held poll answers with all of them in one Messages 200.
      const texts = Array.from({ length: 60 }, (_, i) => `${i}:`.padEnd(60 * 1024, 'x'));
      for (const text of texts) f.sim.sendAgentMessage(vendorId, text);
      f.sim.sendAgentMessage(vendorId, 'still talking');
      await f.webhook.waitFor(() => agentTexts(f).includes('still talking'), 30_000);
      const events = f.webhook.uniqueEvents().map((e) => e.event);
      const dropped = events.filter((e) => e.kind === 'unknown') as Array<{ raw: { reason: string } }>;
      const relayed = agentTexts(f).filter((t) => t !== 'still talking');
      assert.ok(dropped.length > 0 && dropped.every((d) => d.raw.reason === 'batchTooLarge'));
      assert.equal(
        relayed.length + dropped.length,
        texts.length,
        'every message is relayed or named as dropped',
      );
      assert.deepEqual(
        relayed,
        texts.filter((t) => relayed.includes(t)),
        'in order',
      );
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
      assertDeliveredOnceInOrder(f);
    });
  });

  it('relays queue updates and an agent transfer', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      f.sim.queueUpdate(vendorId, 3, 120);
      f.sim.queueUpdate(vendorId, 2, 60);
      await eventually(async () =>
        (await f.bridge.sessions.state(key)).queuePosition === 2 ? true : undefined,
      );
      f.sim.accept(vendorId, { agentName: 'Ada' });
      f.sim.transfer(vendorId, { agentName: 'Grace' });
      await eventually(async () =>
        (await f.bridge.sessions.state(key)).agent?.name === 'Grace' ? true : undefined,
      );
      f.sim.endChat(vendorId);
      await handle.result();
      const events = f.webhook.uniqueEvents().map((e) => e.event);
      const positions = events.flatMap((e) => (e.kind === 'queueUpdate' ? [e.position] : []));
      assert.deepEqual(positions.slice(-2), [3, 2]);
      assert.ok(events.some((e) => e.kind === 'transferred' && e.agentName === 'Grace'));
      assertDeliveredOnceInOrder(f);
    });
  });

  it('a 503 on the poll hands over: reconnect, transcript replay, then resync, and the chat goes on', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      f.sim.accept(vendorId, { agentName: 'Ada' });
      f.sim.sendAgentMessage(vendorId, 'before failover');
      await f.webhook.waitFor(() => agentTexts(f).length === 1);
      f.sim.failover(vendorId);
      await eventually(async () => ((await f.bridge.sessions.state(key)).handovers === 1 ? true : undefined));
      f.sim.sendAgentMessage(vendorId, 'after failover');
      await f.bridge.sessions.send(key, { clientMessageId: 'c1', text: 'still here' });
      await f.webhook.waitFor(() => agentTexts(f).length === 2);
      f.sim.endChat(vendorId);
      const result = await handle.result();
      assert.equal(result.handovers, 1);
      // ChasitorSessionData replays the transcript after the reconnect: no message is delivered twice.
      assert.deepEqual(agentTexts(f), ['before failover', 'after failover']);
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['still here'],
      );
      assert.ok(f.webhook.uniqueEvents().some((e) => e.event.kind === 'reconnected'));
      assertDeliveredOnceInOrder(f);
      // ChasitorResyncState after the replay was received (the simulator refuses it earlier), once.
      assert.equal(f.sim.session(vendorId).resyncs, 1);
      const stats = f.sim.stats();
      assert.equal(stats.resyncsBeforeReplay, 0);
      assert.equal(stats.reconnects, 1);
      assert.equal(stats.conflicts409, 0);
      assert.equal(stats.maxConcurrentPollsPerSession, 1);
    });
  });

  it('a 503 during a send buffers the message and resends it once, in order', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      f.sim.accept(vendorId, { agentName: 'Ada' });
      await f.bridge.sessions.send(key, { clientMessageId: 'm1', text: 'first' });
      // Hold the next ChatMessage long enough to fail over underneath it: it then meets a stale affinity.
      f.sim.injectFault({ kind: 'latency', ms: 1_500, count: 1, path: 'Chasitor/ChatMessage' });
      // Order is the order the workflow accepts updates: queue 'second' before 'third' is sent.
      const second = await f.bridge.sessions.queue(key, { clientMessageId: 'm2', text: 'second' });
      const third = f.bridge.sessions.send(key, { clientMessageId: 'm3', text: 'third' });
      await new Promise((r) => setTimeout(r, 400));
      f.sim.failover(vendorId);
      await Promise.all([second.sent, third]);
      const received = f.sim.session(vendorId).chasitorMessages;
      assert.deepEqual(
        received.map((m) => m.text),
        ['first', 'second', 'third'],
      );
      assert.equal((await f.bridge.sessions.state(key)).handovers, 1);
      assert.ok(f.sim.stats().status503Sent >= 1, 'the send met a 503');
      f.sim.endChat(vendorId);
      await handle.result();
    });
  });

  it('a send the vendor applied but never answered, then a failover: the message is not sent twice', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      f.sim.accept(vendorId, { agentName: 'Ada' });
      await f.bridge.sessions.send(key, { clientMessageId: 'm1', text: 'first' });
      // The vendor applies the next message, the connection drops before its answer, and the server
      // fails over before the retry: the retry meets a 503 (found by `npm run chaos`).
      const sim = f.sim;
      const failOverOnApply = (sessionId: string, text: string) => {
        if (text !== 'applied, answer lost') return;
        sim.off('chasitorMessage', failOverOnApply);
        sim.failover(sessionId);
      };
      sim.on('chasitorMessage', failOverOnApply);
      sim.injectFault({ kind: 'reset', phase: 'after', count: 1, path: 'Chasitor/ChatMessage' });
      const sent = await f.bridge.sessions.send(key, { clientMessageId: 'm2', text: 'applied, answer lost' });
      await f.bridge.sessions.send(key, { clientMessageId: 'm3', text: 'after the handover' });
      assert.equal(sent.clientMessageId, 'm2');
      assert.deepEqual(
        sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['first', 'applied, answer lost', 'after the handover'],
      );
      assert.equal((await f.bridge.sessions.state(key)).handovers, 1);
      sim.endChat(vendorId);
      const result = await handle.result();
      assert.equal(result.messagesFromCustomer, 3);
    });
  });

  it('the customer ends the chat', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      f.sim.accept(vendorId, { agentName: 'Ada' });
      await f.bridge.sessions.send(key, { clientMessageId: 'bye', text: 'thanks, bye' });
      await f.bridge.sessions.end(key);
      const result = await handle.result();
      assert.equal(result.endReason, 'client');
      assert.equal(f.sim.session(vendorId).endReason, 'client');
      await assert.rejects(
        f.bridge.sessions.send(key, { clientMessageId: 'late', text: 'anyone?' }),
        /completed|ended|not found|closed/i,
      );
    });
  });

  it('a vendor session that expired while no worker ran ends the session with vendorSessionExpired', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    const handle = await f.bridge.run(async () => {
      const h = await f.bridge.sessions.startOrGet(key, sessionInput(key, f.webhook.url));
      await onlySessionId(f.sim);
      await eventually(async () =>
        (await f.bridge.sessions.state(key)).status === 'queued' ? true : undefined,
      );
      return h;
    });
    // No worker for longer than the vendor's session timeout: the vendor expires the session.
    await new Promise((r) => setTimeout(r, 6_000));
    assert.equal(f.sim.stats().expiredSessions, 1);
    const second = await startBridge(env(), f.sim.url, {
      CHAT_BRIDGE_TASK_QUEUE: f.bridge.config.CHAT_BRIDGE_TASK_QUEUE,
    });
    await second.run(async () => {
      const result = await handle.result();
      assert.equal(result.endReason, 'vendorSessionExpired');
      await f.webhook.waitFor(() => f.webhook.uniqueEvents().some((e) => e.event.kind === 'chatEnded'));
    });
  });

  it('a malformed vendor body is retried, and one that stays malformed fails the session with a typed error', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      // Once: a retry with the same ack gets the messages again.
      f.sim.injectFault({ kind: 'malformed', count: 1, path: 'System/Messages' });
      f.sim.sendAgentMessage(vendorId, 'survives one garbled body');
      await f.webhook.waitFor(() => agentTexts(f).length === 1);
      // For good: the session fails with the typed failure instead of hanging.
      f.sim.injectFault({ kind: 'malformed', count: 50, path: 'System/Messages' });
      f.sim.sendAgentMessage(vendorId, 'never readable');
      const err = await handle.result().then(
        () => assert.fail('the session should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, FailureType.malformedResponse);
      // The failure says what was wrong without quoting the body: failure messages are not encrypted.
      assert.match(
        err.cause.message,
        /Messages: body is not JSON \(\d+ characters\) \(after \d+ attempts\)$/,
      );
      assert.doesNotMatch(err.cause.message, /trunc/);
      await f.webhook.waitFor(() =>
        f.webhook
          .uniqueEvents()
          .some((e) => e.event.kind === 'chatEnded' && e.event.reason === 'bridgeError'),
      );
    });
  });

  it('an invalid sendMessage is rejected by the validator and never reaches history', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      // Bypass the client's zod check to reach the workflow's own validator.
      const err = await handle
        .executeUpdate(sendMessageUpdate, { args: [{ clientMessageId: '', text: 42 as unknown as string }] })
        .then(
          () => assert.fail('the update should be rejected'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof WorkflowUpdateFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, FailureType.invalidInput);
      assert.match(err.cause.message, /clientMessageId/);
      // The client helper rejects it before it reaches Temporal at all.
      await assert.rejects(
        f.bridge.sessions.send(key, { clientMessageId: 'x', text: '' }),
        /invalid message/,
      );
      await f.bridge.sessions.send(key, { clientMessageId: 'ok', text: 'valid' });
      const history = await handle.fetchHistory();
      const updateEvents = (history.events ?? []).filter(
        (e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'sendMessage',
      );
      assert.equal(updateEvents.length, 1, 'only the valid sendMessage was recorded');
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['valid'],
      );
      await f.bridge.sessions.end(key);
    });
  });

  it('continue-as-new mid-conversation loses nothing and doubles nothing', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer();
    await f.bridge.run(async () => {
      const handle = await f.bridge.sessions.startOrGet(
        key,
        sessionInput(key, f.webhook.url, { tuning: { continueAsNewAfterEvents: 60 } }),
      );
      const vendorId = await onlySessionId(f.sim);
      f.sim.accept(vendorId, { agentName: 'Ada' });
      for (let i = 0; i < 12; i++) {
        f.sim.sendAgentMessage(vendorId, `agent ${i}`);
        await f.bridge.sessions.send(key, { clientMessageId: `c${i}`, text: `customer ${i}` });
      }
      await f.webhook.waitFor(() => agentTexts(f).length === 12);
      const state = await f.bridge.sessions.state(key);
      assert.ok(state.runs >= 2, `expected continue-as-new, runs=${state.runs}`);
      f.sim.endChat(vendorId);
      const result = await f.bridge.sessions.handle(key).result();
      assert.equal(result.messagesFromAgent, 12);
      assert.equal(result.messagesFromCustomer, 12);
      assert.deepEqual(
        agentTexts(f),
        Array.from({ length: 12 }, (_, i) => `agent ${i}`),
      );
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        Array.from({ length: 12 }, (_, i) => `customer ${i}`),
      );
      assertDeliveredOnceInOrder(f);
      assert.equal(f.sim.stats().conflicts409, 0);
      assert.equal(f.sim.stats().expiredSessions, 0);
      void handle;
    });
  });
});
