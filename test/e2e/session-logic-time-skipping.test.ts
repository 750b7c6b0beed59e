// The session's rules on the time-skipping test server, with an in-process fake vendor (no HTTP, no
// simulator): a reconnect that never succeeds gives up after reconnectGiveUpMs of skipped time, a vendor
// without outbound numbering gets idempotency keys instead of sequences, malformed hub signals change
// nothing, a vendor that replays its transcript after a handover holds the outbox until the replay
// (or a bounded wait), and hours of idle add nothing to the history. The hub is in-process and an attach is a short
// activity, so nothing holds the server's clock except the activities a scenario runs on purpose.
import assert from 'node:assert/strict';
import { type WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  connectionLostSignal,
  eventsDeliveredSignal,
  eventsAfterQuery,
  handoverSignal,
  chatSessionWorkflowType,
  vendorEventsUpdate,
  type ChatSessionWorkflow,
} from '../../src/shared/definitions';
import { sessionWorkflowId } from '../../src/client';
import { FailureType } from '../../src/shared/failure-types';
import type { SessionTuning } from '../../src/shared/session-types';
import { eventually, startBridge, uniqueCustomer, type Bridge } from '../helpers/bridge-harness';
import { FakeVendor, fakeFailure, fakeVendorName, type FakeVendorOptions } from '../helpers/fake-vendor';
import { ownTimeSkippingEnv } from '../helpers/temporal-envs';

type Handle = WorkflowHandle<ChatSessionWorkflow>;

async function historyOf(handle: Handle) {
  return (await handle.fetchHistory()).events ?? [];
}

/** Names of the activities the session has scheduled so far, in order. */
async function scheduledActivities(handle: Handle): Promise<string[]> {
  return (await historyOf(handle)).flatMap((e) => {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
}

/** True when every activity the session scheduled has finished (nothing holds the server's clock). */
async function noActivityInFlight(handle: Handle): Promise<boolean> {
  const events = await historyOf(handle);
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).length;
  const finished = events.filter(
    (e) =>
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes,
  ).length;
  return scheduled === finished;
}

describe('session logic (time-skipping server, fake vendor)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let bridge: Bridge | undefined;

  // A server of its own: a session another file left running holds a shared server's clock (it does
  // not skip while any activity is in flight), and these tests skip minutes to hours.
  before(async function () {
    this.timeout(180_000);
    env = await ownTimeSkippingEnv();
  });
  after(async () => env?.teardown());

  const started: Handle[] = [];
  afterEach(async () => {
    await bridge?.worker.shutdown();
    bridge = undefined;
    // A session a failed test left running could hold this server's clock for the later tests.
    for (const handle of started.splice(0)) {
      await handle.terminate('test cleanup').catch(() => undefined);
    }
  });

  /**
   * The result of a chat that ends on something outside Temporal (the fake vendor, the hub): waits
   * for the end through queries first. `result()` unlocks time skipping, and a session idle on a
   * signal has no timer to stop at: the test server would skip to the run's timeout (ten years).
   */
  async function resultOnceEnded(b: Bridge, handle: Handle) {
    await eventually(async () =>
      (await b.sessions.state(handle.workflowId)).status === 'ended' ? true : undefined,
    );
    return handle.result();
  }

  async function fakeBridge(vendor: FakeVendor): Promise<Bridge> {
    // The Live Agent URL is never used: only the fake vendor is enabled.
    bridge = await startBridge(env, 'http://127.0.0.1:9/unused/', { CHAT_BRIDGE_PROVIDERS: fakeVendorName }, [
      vendor.module(),
    ]);
    return bridge;
  }

  /** Starts a session on the fake vendor; the agent (Ada) accepts; returns once the attach has finished. */
  async function openChat(
    b: Bridge,
    vendor: FakeVendor,
    prefix: string,
    tuning: Partial<SessionTuning> = {},
  ) {
    const key = uniqueCustomer(prefix);
    const handle = await b.sessions.startOrGet(key, {
      provider: fakeVendorName,
      customerId: key.customerId,
      visitorName: `Visitor ${key.customerId}`,
      // The time-skipping server cannot register custom search attributes.
      tuning: { searchAttributes: false, ...tuning },
    });
    started.push(handle);
    const session = await eventually(() => vendor.sessions().at(-1));
    vendor.push(session, { kind: 'agentConnected', agentName: 'Ada' });
    await eventually(async () => ((await b.sessions.state(key)).status === 'chatting' ? true : undefined));
    await eventually(async () => ((await noActivityInFlight(handle)) ? true : undefined));
    assert.deepEqual(await scheduledActivities(handle), ['openSession', 'attachConnection']);
    return { key, handle, session };
  }

  const newVendor = (options?: FakeVendorOptions) => new FakeVendor(options);

  it('ends the chat vendorSessionExpired after reconnectGiveUpMs (5 min, skipped) of VendorUnavailable reconnects', async () => {
    const vendor = newVendor();
    // Retryable, as providers raise it: each reconnect activity runs its 8 attempts (16 s of retry
    // backoff), then the handover lane pauses 1, 2, 4, 8, then 15 s and tries again. The test server
    // skips both kinds of wait; it holds the clock only while an attempt runs (a few ms here).
    vendor.reconnectFailure = () => fakeFailure(FailureType.vendorUnavailable, 'failing over');
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const giveUpMs = 5 * 60_000;
      const { key, handle } = await openChat(b, vendor, 'giveup', { reconnectGiveUpMs: giveUpMs });
      const serverStart = await env.currentTimeMs();
      const realStart = Date.now();
      // What the hub sends when a receive meets a failed credential.
      await handle.signal(handoverSignal, { generation: 0, reason: 'test: the credential stopped working' });
      const result = await handle.result(); // unlocks time skipping while it waits
      const realMs = Date.now() - realStart;
      assert.equal(result.endReason, 'vendorSessionExpired');
      assert.equal(result.handovers, 0);
      const { events } = await b.sessions.handle(key).query(eventsAfterQuery, -1);
      const last = events.at(-1);
      assert.equal(last?.event.kind, 'chatEnded');
      assert.match(
        String((last?.event as { detail?: string }).detail),
        /could not be reached to reconnect for 300 s/,
      );
      // Measured to the end of the chat (its own clock): once the run has completed, the test server
      // jumps far ahead while the result call still holds time skipping unlocked.
      const skippedMs = Date.parse(last!.at) - serverStart;
      assert.ok(
        skippedMs >= giveUpMs && skippedMs < giveUpMs + 60_000,
        `ended ${skippedMs} ms after the handover`,
      );
      assert.ok(realMs < 60_000, `${skippedMs} ms of server time took ${realMs} ms`);
      const attempts = (await scheduledActivities(handle)).filter((n) => n === 'reconnectSession').length;
      // About 12 activities of 8 attempts in five minutes: backoff all along, not a tight loop.
      assert.ok(attempts >= 8 && attempts <= 20, `${attempts} reconnect activities`);
      assert.equal(vendor.reconnects.length, attempts * 8, 'each activity ran its 8 attempts');
      assert.ok(
        vendor.reconnects.every((r) => r.credentials.token === 'token-0'),
        'every attempt renews the failed credential',
      );
      assert.equal(vendor.sends.length, 0, 'the bridge ended the chat on its side: no ChatEnd to the vendor');
      console.log(
        `      gave up after ${attempts} reconnect activities (${vendor.reconnects.length} attempts), ${skippedMs} ms skipped in ${realMs} ms`,
      );
    });
  });

  it('credentials the vendor keeps refusing on reconnect (GMS 8201) end the chat after 3 refusals, not at reconnectGiveUpMs', async () => {
    const vendor = newVendor();
    vendor.reconnectFailure = () =>
      fakeFailure(FailureType.credentialsRefused, 'statusCode 2, error code 8201');
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle } = await openChat(b, vendor, 'refused', { reconnectGiveUpMs: 5 * 60_000 });
      const serverStart = await env.currentTimeMs();
      await handle.signal(handoverSignal, { generation: 0, reason: 'test: the alias was superseded' });
      const result = await handle.result();
      assert.equal(result.endReason, 'vendorSessionExpired');
      const { events } = await b.sessions.handle(key).query(eventsAfterQuery, -1);
      const last = events.at(-1)!;
      assert.match(
        String((last.event as { detail?: string }).detail),
        /refused the session's newest credentials 3 times/,
      );
      assert.ok(
        Date.parse(last.at) - serverStart < 60_000,
        'ended after a few seconds of backoff, not five minutes',
      );
      const attempts = (await scheduledActivities(handle)).filter((n) => n === 'reconnectSession').length;
      assert.equal(attempts, 3);
    });
  });

  it('started without the client helper and a webhookUrl that can never take a delivery: fails InvalidInput, no vendor session opened', async () => {
    const vendor = newVendor();
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      for (const webhookUrl of ['file:///etc/passwd', 'not a url', 'ftp://channel.example/x']) {
        const key = uniqueCustomer('bad-url');
        const handle = await b.client.workflow.start(chatSessionWorkflowType, {
          taskQueue: b.config.CHAT_BRIDGE_TASK_QUEUE,
          workflowId: sessionWorkflowId(key),
          args: [
            {
              provider: fakeVendorName,
              customerId: key.customerId,
              visitorName: 'Visitor',
              webhookUrl,
              tuning: { searchAttributes: false },
            },
          ],
        });
        started.push(handle as Handle);
        await assert.rejects(handle.result(), (err: WorkflowFailedError) => {
          assert.ok(err.cause instanceof ApplicationFailure);
          assert.equal(err.cause.type, FailureType.invalidInput);
          assert.match(err.cause.message, /webhookUrl/);
          return true;
        });
        assert.ok(!(await scheduledActivities(handle as Handle)).includes('openSession'), webhookUrl);
      }
      assert.equal(vendor.sessions().length, 0);
    });
  });

  it('a vendor without outbound numbering gets sequence null and the key <uid>:<clientMessageId>', async () => {
    const vendor = newVendor({ profile: { outboundSequence: false } });
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle, session } = await openChat(b, vendor, 'noseq');
      const uid = handle.firstExecutionRunId;
      const first = await b.sessions.send(key, { clientMessageId: 'msg-1', text: 'hello' });
      await b.sessions.typing(key, true);
      const second = await b.sessions.send(key, { clientMessageId: 'msg-2', text: 'anyone?' });
      const repeat = await b.sessions.send(key, { clientMessageId: 'msg-1', text: 'hello' });
      await b.sessions.end(key);
      const result = await resultOnceEnded(b, handle);

      assert.deepEqual(
        [first.vendorSequence, second.vendorSequence, repeat.vendorSequence],
        [null, null, null],
      );
      assert.equal(repeat.duplicate, true);
      assert.deepEqual(
        vendor.sends.map((s) => [s.session, s.command.kind, s.stamp]),
        [
          [session, 'message', { sequence: null, idempotencyKey: `${uid}:msg-1`, customerMessagesBefore: 0 }],
          [session, 'typing', { sequence: null, idempotencyKey: `${uid}:typing#0` }],
          [session, 'message', { sequence: null, idempotencyKey: `${uid}:msg-2`, customerMessagesBefore: 1 }],
          [session, 'end', { sequence: null, idempotencyKey: `${uid}:end#1` }],
        ],
        'the repeat of msg-1 was not sent again',
      );
      assert.equal(result.endReason, 'client');
      assert.equal(result.messagesFromCustomer, 2);
    });
  });

  it('the same sends on a numbering vendor carry sequences 1, 2, 3 (the contrast to the case above)', async () => {
    const vendor = newVendor();
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle } = await openChat(b, vendor, 'seq');
      const uid = handle.firstExecutionRunId;
      const first = await b.sessions.send(key, { clientMessageId: 'msg-1', text: 'hello' });
      const second = await b.sessions.send(key, { clientMessageId: 'msg-2', text: 'anyone?' });
      await b.sessions.end(key);
      await resultOnceEnded(b, handle);
      assert.deepEqual([first.vendorSequence, second.vendorSequence], [1, 2]);
      assert.deepEqual(
        vendor.sends.map((s) => s.stamp),
        [
          { sequence: 1, idempotencyKey: `${uid}:msg-1`, customerMessagesBefore: 0 },
          { sequence: 2, idempotencyKey: `${uid}:msg-2`, customerMessagesBefore: 1 },
          { sequence: 3, idempotencyKey: `${uid}:end#0` },
        ],
      );
    });
  });

  it('malformed vendorEvents and connectionLost signals change nothing, and the session goes on', async () => {
    const vendor = newVendor();
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle, session } = await openChat(b, vendor, 'badsignals');
      vendor.push(session, { kind: 'messageReceived', text: 'hello from Ada' });
      await eventually(async () => ((await b.sessions.state(key)).lastEventIndex === 1 ? true : undefined));
      const before = await b.sessions.state(key);
      const eventsBefore = (await handle.query(eventsAfterQuery, -1)).events;
      const connectsBefore = vendor.connects.length;
      const activitiesBefore = await scheduledActivities(handle);

      const raw = b.client.workflow.getHandle(handle.workflowId);
      const event = (index: number) => ({
        id: `forged:${index}`,
        index,
        at: new Date().toISOString(),
        event: { kind: 'chatEnded', reason: 'agent' },
      });
      // Well-formed, this batch would be recorded: it names the session's attachment, generation and
      // next index. Each case below breaks it in one way.
      const batch = {
        hubId: 'forged',
        epoch: 1,
        generation: 0,
        firstIndex: 2,
        cursor: { offset: 99 },
        deliveredThrough: 1,
      };
      const badBatches: unknown[] = [
        null,
        'chatEnded',
        [],
        { ...batch, events: [] }, // empty
        { ...batch, events: [event(3)] }, // index is not firstIndex
        { ...batch, epoch: '1', events: [event(2)] },
        { ...batch, firstIndex: 2.5, events: [event(2)] },
        { ...batch, cursor: null, events: [event(2)] },
        { ...batch, hubId: 7, events: [event(2)] },
        { ...batch, events: [{ ...event(2), event: 'chatEnded' }] },
        { ...batch, deliveredThrough: undefined, events: [event(2)] },
        { ...batch, hubDelivers: 'yes', events: [event(2)] },
        { ...batch, chatUid: 7, events: [event(2)] },
        { ...batch, events: [{ ...event(2), at: undefined }] }, // no time
        { ...batch, events: [{ ...event(2), event: { reason: 'agent' } }] }, // an event without a kind
      ];
      // Refused by the update's validator: the caller learns it, and nothing reaches history.
      for (const bad of badBatches) {
        await assert.rejects(
          raw.executeUpdate(vendorEventsUpdate, { args: [bad as never] }),
          (err: unknown) => err instanceof WorkflowUpdateFailedError,
        );
      }
      // Epoch 1 is the session's attachment: each of these, taken for a well-formed signal, would end
      // the chat (sessionGone, conflict, failed) or re-attach it.
      const badLost: unknown[] = [
        null,
        42,
        { epoch: 1, reason: 'sessionGone', message: 'gone' }, // no hubId
        { hubId: 'any', epoch: 1, reason: 'exploded', message: 'unknown reason' },
        { hubId: 'any', epoch: '1', reason: 'sessionGone', message: 'epoch not a number' },
        { hubId: 'any', epoch: 1.5, reason: 'conflict', message: 'epoch not an integer' },
        { hubId: 'any', epoch: 1, reason: 'sessionGone' }, // no message
        { hubId: 'any', epoch: 1, reason: 'failed', message: 42, failureType: 7 },
        { hubId: 'any', epoch: 1, reason: 'failed', message: 'typed', failureType: { type: 'x' } },
      ];
      for (const bad of badLost) await raw.signal(connectionLostSignal, bad as never);
      const badDelivered: unknown[] = [
        null,
        { hubId: 'any', epoch: 1, deliveredThrough: 1 }, // no handBack
        { hubId: 'any', epoch: 1, deliveredThrough: -2, handBack: false },
        { hubId: 'any', epoch: 1, deliveredThrough: 0.5, handBack: true },
        { hubId: 'any', epoch: '1', deliveredThrough: 1, handBack: true },
        { epoch: 1, deliveredThrough: 1, handBack: true }, // no hubId
      ];
      for (const bad of badDelivered) await raw.signal(eventsDeliveredSignal, bad as never);
      // A valid connectionLost from a hub that does not hold the session is ignored too.
      await raw.signal(connectionLostSignal, {
        hubId: 'another-hub',
        reason: 'hubLost',
        message: 'not the holder',
      });

      // Signals are handled in order: once the next real batch is recorded, every bad one was handled.
      vendor.push(session, { kind: 'messageReceived', text: 'still here' });
      await eventually(async () => ((await b.sessions.state(key)).lastEventIndex === 2 ? true : undefined));
      const after = await b.sessions.state(key);
      // Without a webhook an event counts as delivered once recorded: only the one real batch moved them.
      assert.deepEqual(
        { ...after, lastEventIndex: before.lastEventIndex, deliveredThrough: before.deliveredThrough },
        before,
      );
      assert.deepEqual([after.lastEventIndex, after.deliveredThrough], [2, 2]);
      const eventsAfter = (await handle.query(eventsAfterQuery, -1)).events;
      assert.deepEqual(eventsAfter.slice(0, eventsBefore.length), eventsBefore);
      assert.deepEqual(
        eventsAfter.map((e) => e.id),
        [0, 1, 2].map((i) => `${handle.firstExecutionRunId}:${i}`),
        'no forged event was recorded',
      );
      assert.equal(vendor.connects.length, connectsBefore, 'no re-attach');
      assert.deepEqual(await scheduledActivities(handle), activitiesBefore, 'no activity scheduled');

      vendor.push(session, { kind: 'chatEnded', reason: 'agent' });
      const result = await resultOnceEnded(b, handle);
      assert.equal(result.endReason, 'agent');
      assert.equal(result.messagesFromAgent, 2);
    });
  });

  it('replaysTranscript: after a handover, a message waits for the replay; without one, 30 s of skipped time', async () => {
    const vendor = newVendor({ profile: { afterReconnect: { replaysTranscript: true } } });
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle, session } = await openChat(b, vendor, 'replaywait');
      await handle.signal(handoverSignal, { generation: 0, reason: 'test: the credential stopped working' });
      await eventually(async () => ((await b.sessions.state(key)).handovers === 1 ? true : undefined));
      await eventually(async () => (vendor.connects.length === 2 ? true : undefined)); // attached again
      await eventually(async () => ((await noActivityInFlight(handle)) ? true : undefined));

      const { sent } = await b.sessions.queue(key, { clientMessageId: 'buffered', text: 'are you there?' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(vendor.sendAttempts.length, 0, 'nothing is sent while the transcript replay is awaited');
      // No replay comes: the bounded wait (a workflow timer) expires in skipped time.
      const serverStart = await env.currentTimeMs();
      await env.sleep('31 seconds');
      const result = await sent;
      assert.ok((await env.currentTimeMs()) - serverStart >= 30_000);
      assert.equal(result.vendorSequence, 1);
      assert.deepEqual(
        vendor.sends.map((x) => [x.credentials.token, x.stamp]),
        [
          [
            'token-1',
            {
              sequence: 1,
              idempotencyKey: `${handle.firstExecutionRunId}:buffered`,
              customerMessagesBefore: 0,
            },
          ],
        ],
        'sent once, with the renewed credential',
      );
      vendor.push(session, { kind: 'chatEnded', reason: 'agent' });
      assert.equal((await resultOnceEnded(b, handle)).handovers, 1);
    });
  });

  it('replaysTranscript: a message the vendor took before a failed answer is not sent again after the replay', async () => {
    const vendor = newVendor({ profile: { afterReconnect: { replaysTranscript: true } } });
    // The vendor applies the message, then its answer is a failover (the credential must be renewed):
    // the send activity signals `handover` itself and rethrows.
    vendor.sendFailures.push({
      error: fakeFailure(FailureType.handoverRequired, 'failover after the message arrived'),
      applied: true,
    });
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle, session } = await openChat(b, vendor, 'replayheld');
      const sending = b.sessions.send(key, { clientMessageId: 'held', text: 'did you get this?' });
      await eventually(async () => ((await b.sessions.state(key)).handovers === 1 ? true : undefined));
      await eventually(async () => (vendor.connects.length === 2 ? true : undefined));
      // The replay says the vendor holds one customer message: the outbox head arrived.
      vendor.push(session, { kind: 'reconnected', transcriptEntries: 2, customerMessages: 1 });
      const result = await sending;
      assert.equal(result.vendorSequence, 1);
      assert.equal(vendor.sendAttempts.length, 1, 'not sent again');
      assert.deepEqual(
        (await b.sessions.transcript(key)).filter((t) => t.from === 'customer').map((t) => t.text),
        ['did you get this?'],
      );
      assert.equal(vendor.reconnects.length, 1);
      vendor.push(session, { kind: 'chatEnded', reason: 'agent' });
      const ended = await resultOnceEnded(b, handle);
      assert.deepEqual([ended.handovers, ended.messagesFromCustomer], [1, 1]);
    });
  });

  it('survives hours of idle (skipped) with nothing added to its history, then carries on', async () => {
    const vendor = newVendor();
    const b = await fakeBridge(vendor);
    await b.run(async () => {
      const { key, handle, session } = await openChat(b, vendor, 'idle');
      // The hub keeps receiving (empty batches every 200 ms of real time) without telling the session.
      const lengthBefore = (await historyOf(handle)).length;
      const serverStart = await env.currentTimeMs();
      const realStart = Date.now();
      await env.sleep('6 hours');
      const skippedMs = (await env.currentTimeMs()) - serverStart;
      const realMs = Date.now() - realStart;
      assert.ok(skippedMs >= 6 * 3600_000, `server time advanced ${skippedMs} ms`);
      assert.ok(realMs < 30_000, `six hours took ${realMs} ms`);
      const lengthAfter = (await historyOf(handle)).length;
      assert.equal(lengthAfter, lengthBefore, 'an idle chat adds no history events');
      assert.ok(lengthAfter < 40, `history length ${lengthAfter}`);
      const state = await b.sessions.state(key);
      assert.equal(state.status, 'chatting');
      assert.equal(state.runs, 1);

      vendor.push(session, { kind: 'messageReceived', text: 'sorry, I was away' });
      const sent = await b.sessions.send(key, { clientMessageId: 'after-idle', text: 'welcome back' });
      assert.equal(sent.vendorSequence, 1);
      vendor.push(session, { kind: 'chatEnded', reason: 'agent' });
      const result = await resultOnceEnded(b, handle);
      assert.equal(result.endReason, 'agent');
      assert.equal(result.messagesFromAgent, 1);
      assert.equal(result.messagesFromCustomer, 1);
      assert.equal(vendor.connects.length, 1, 'one attachment all along');
      assert.ok((await historyOf(handle)).length < 60);
    });
  });
});
