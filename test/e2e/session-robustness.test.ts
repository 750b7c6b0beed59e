// The session under operator actions and vendor trouble that used to stick or end it: a cancel
// request, a malformed signal, tuning below the floors, a 503 while opening or before the first
// answer, 503s during the reconnect, a refused or doubled ChatEnd, and a pull consumer at the end.
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { SessionEvent } from '../../src/shared/events';
import { chatSessionWorkflowType, handoverSignal } from '../../src/shared/definitions';
import { VendorRejectedError } from '../../src/client';
import { eventually, sessionInput, uniqueCustomer } from '../helpers/bridge-harness';
import {
  liveAgentFixture,
  openAcceptedChat,
  openChat,
  type LiveAgentFixture,
} from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';

describe('session robustness (dev server)', function () {
  this.timeout(90_000);
  const env = useDevServer();
  let f: LiveAgentFixture;

  afterEach(async () => {
    await f?.close();
  });

  const delivered = (kind: string) =>
    f.webhook.waitFor((w) => w.uniqueEvents().some((e) => e.event.kind === kind));

  it('a cancel request ends the chat at the vendor and on the channel, and the run ends cancelled', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('cancel');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      // A message still on its way to the vendor when the cancel arrives is sent, and its caller told so.
      f.sim.injectFault({ kind: 'latency', ms: 1_500, count: 1, path: 'Chasitor/ChatMessage' });
      const inFlight = f.bridge.sessions.send(key, { clientMessageId: 'last', text: 'one last thing' });
      await eventually(async () => ((await f.bridge.sessions.state(key)).outboxSize > 0 ? true : undefined));
      await handle.cancel();
      assert.equal((await inFlight).clientMessageId, 'last');
      const err = await handle.result().then(
        () => assert.fail('the run should end cancelled'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof CancelledFailure, `cancelled, got ${String(err.cause)}`);
      assert.equal(f.sim.session(vendorId).endReason, 'client', 'ChatEnd reached the vendor');
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['one last thing'],
      );
      await delivered('chatEnded');
      const ended = f.webhook.uniqueEvents().find((e) => e.event.kind === 'chatEnded');
      assert.deepEqual(ended?.event, { kind: 'chatEnded', reason: 'client' });
    });
  });

  it('ignores a malformed handover signal and carries on', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('badsignal');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      const raw = f.bridge.client.workflow.getHandle(handle.workflowId);
      await raw.signal(handoverSignal, null as never);
      await raw.signal(handoverSignal, { generation: 'x' } as never);
      f.sim.sendAgentMessage(vendorId, 'still here');
      await delivered('messageReceived');
      const state = await f.bridge.sessions.state(key);
      assert.equal(state.handovers, 0);
      assert.equal(state.status, 'chatting');
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
    });
  });

  it('clamps tuning below the floors when a workflow is started without the client helper', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('floors');
    await f.bridge.run(async () => {
      // The helper's schema refuses these values; a raw start must still get a working session.
      await assert.rejects(
        f.bridge.sessions.startOrGet(
          key,
          sessionInput(key, f.webhook.url, { tuning: { deliveryMaxBackoffMs: 100 } }),
        ),
        /deliveryMaxBackoffMs/,
      );
      const handle = await f.bridge.client.workflow.start(chatSessionWorkflowType, {
        workflowId: `chat:${key.channel}:${key.customerId}`,
        taskQueue: f.bridge.config.CHAT_BRIDGE_TASK_QUEUE,
        args: [
          sessionInput(key, f.webhook.url, {
            tuning: { deliveryMaxBackoffMs: 100, searchAttributes: true },
          }),
        ],
      });
      const vendorId = await eventually(() => f.sim.sessions().find((s) => s.initialized)?.id);
      f.sim.accept(vendorId, { agentName: 'Ada' });
      f.sim.sendAgentMessage(vendorId, 'delivered despite the tuning');
      await delivered('messageReceived');
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
    });
  });

  it('retries a 503 while opening (maintenance) instead of failing the session', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('open503');
    f.sim.injectFault({ kind: 'status', status: 503, count: 1, path: 'System/SessionId' });
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
    });
  });

  it('finishes a ChasitorInit whose answer was lost on the same vendor session, not a second one', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('initlost');
    // The simulator applies the ChasitorInit, then drops the connection before answering.
    f.sim.injectFault({ kind: 'reset', phase: 'after', count: 1, path: 'Chasitor/ChasitorInit' });
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      assert.equal(f.sim.sessions().length, 1, 'one vendor session: no orphan chat for an agent to accept');
      assert.deepEqual(
        f.sim.session(vendorId).droppedPosts.map((p) => [p.path, p.sequence]),
        [['Chasitor/ChasitorInit', 1]],
        'the retried ChasitorInit was dropped as a repeat',
      );
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
    });
  });

  it('reconnects a failover that comes before the first Messages answer (offset 0)', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('early503');
    f.sim.injectFault({ kind: 'status', status: 503, count: 1, path: 'System/Messages' });
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      await eventually(async () => ((await f.bridge.sessions.state(key)).handovers === 1 ? true : undefined));
      assert.deepEqual(
        f.sim.session(vendorId).reconnects.map((r) => r.offset),
        [0],
      );
      f.sim.accept(vendorId, { agentName: 'Ada' });
      f.sim.sendAgentMessage(vendorId, 'after an early failover');
      await delivered('messageReceived');
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
    });
  });

  it('keeps reconnecting through 503s with backoff, without a tight loop', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('reconnect503');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      f.sim.injectFault({ kind: 'status', status: 503, count: 2, path: 'System/ReconnectSession' });
      f.sim.failover(vendorId);
      await eventually(async () => ((await f.bridge.sessions.state(key)).handovers === 1 ? true : undefined));
      f.sim.sendAgentMessage(vendorId, 'after a slow failover');
      await delivered('messageReceived');
      f.sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
      const history = await handle.fetchHistory();
      const reconnects = (history.events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'reconnectSession',
      );
      const pauses = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
      assert.equal(reconnects.length, 3, 'two refused reconnects, then the one that worked');
      assert.ok(pauses.length >= 2, 'a backoff pause after each refused reconnect');
    });
  });

  it('gives up reconnecting after reconnectGiveUpMs of refusals and ends the chat as expired', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('giveup');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key, { tuning: { reconnectGiveUpMs: 6_000 } });
      f.sim.injectFault({ kind: 'status', status: 503, count: 10_000, path: 'System/ReconnectSession' });
      f.sim.failover(vendorId);
      const result = await handle.result();
      assert.equal(result.endReason, 'vendorSessionExpired');
      const history = await handle.fetchHistory();
      const attempts = (history.events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'reconnectSession',
      ).length;
      // 1 + 2 + 4 s of pauses reach 6 s: four attempts, not a tight loop.
      assert.ok(attempts >= 3 && attempts <= 5, `${attempts} reconnect attempts in six seconds`);
      await delivered('chatEnded');
      const ended = f.webhook.uniqueEvents().find((e) => e.event.kind === 'chatEnded');
      assert.match(String((ended?.event as { detail?: string } | undefined)?.detail), /could not be reached/);
    });
  });

  it('reports a refused ChatEnd to the caller, and concurrent ends share one ChatEnd', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('end');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      f.sim.injectFault({ kind: 'status', status: 400, count: 1, path: 'Chasitor/ChatEnd' });
      const refused = await f.bridge.sessions.end(key).then(
        () => assert.fail('a refused ChatEnd must not look like success'),
        (e: unknown) => e,
      );
      assert.ok(refused instanceof VendorRejectedError, String(refused));
      assert.match(refused.reason, /HTTP 400/);
      assert.equal((await f.bridge.sessions.state(key)).status, 'chatting', 'the chat goes on');
      await Promise.all([f.bridge.sessions.end(key), f.bridge.sessions.end(key)]);
      assert.equal((await handle.result()).endReason, 'client');
      assert.equal(f.sim.session(vendorId).endReason, 'client');
    });
  });

  it('a pull consumer follows the session across continue-as-new without flooding history', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('pullcan');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key, { tuning: { continueAsNewAfterEvents: 60 } });
      const seen: SessionEvent[] = [];
      const watching = (async () => {
        for await (const event of f.bridge.sessions.watchEvents(key)) seen.push(event);
      })();
      f.sim.accept(vendorId, { agentName: 'Ada' });
      for (let i = 0; i < 10; i++) {
        f.sim.sendAgentMessage(vendorId, `agent ${i}`);
        await f.bridge.sessions.send(key, { clientMessageId: `c${i}`, text: `customer ${i}` });
      }
      await eventually(() =>
        seen.filter((e) => e.event.kind === 'messageReceived').length === 10 ? true : undefined,
      );
      assert.ok((await f.bridge.sessions.state(key)).runs >= 2, 'the session continued as new');
      f.sim.endChat(vendorId);
      await handle.result();
      await watching;
      assert.deepEqual(
        seen.map((e) => e.index),
        seen.map((_, i) => i),
        'every event once, in order, across runs',
      );
      const firstRun = await f.bridge.client.workflow
        .getHandle(handle.workflowId, handle.firstExecutionRunId)
        .fetchHistory();
      const pulls = (firstRun.events ?? []).filter(
        (e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'waitForEvents',
      );
      assert.ok(pulls.length < 40, `the consumer asked ${pulls.length} times in the first run`);
    });
  });

  it('watchEvents ends cleanly with chatEnded, without asking the completed workflow again', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('watch');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openChat(f, key);
      const seen: SessionEvent[] = [];
      const watching = (async () => {
        for await (const event of f.bridge.sessions.watchEvents(key)) seen.push(event);
      })();
      f.sim.accept(vendorId, { agentName: 'Ada' });
      f.sim.sendAgentMessage(vendorId, 'one');
      await eventually(() => (seen.some((e) => e.event.kind === 'messageReceived') ? true : undefined));
      f.sim.endChat(vendorId);
      await handle.result();
      await watching;
      assert.equal(seen.at(-1)?.event.kind, 'chatEnded');
      assert.deepEqual(
        seen.map((e) => e.index),
        seen.map((_, i) => i),
        'every event once, in order',
      );
    });
  });
});
