// A webhook that can never succeed must not wedge the customer: events it refuses for good (or does not
// take within the delivery horizon) become dead letters an operator lists and redrives, the ended chat's
// backlog moves to its own workflow, and the customer's next chat starts at once.
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  deadLettersQuery,
  redriveDeadLettersUpdate,
  type ChatSessionWorkflow,
} from '../../src/shared/definitions';
import type { ChatDeliveriesResult } from '../../src/shared/session-types';
import type { chatDeliveries } from '../../src/workflows/chat-deliveries';
import { eventually, uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, openAcceptedChat, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { devServerEnv, ownTimeSkippingEnv } from '../helpers/temporal-envs';

const agentTexts = (f: LiveAgentFixture) =>
  f.webhook.uniqueEvents().flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));

describe('dead letters (time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let f: LiveAgentFixture | undefined;
  // Ended chats here start abandoned children: a server of this file's own (see ownTimeSkippingEnv).
  before(async () => {
    env = await ownTimeSkippingEnv();
  });
  after(async () => env?.teardown());
  afterEach(async () => f?.close());

  it('a webhook down past the delivery horizon: the events become dead letters instead of blocking', async () => {
    f = await liveAgentFixture(env);
    const fx = f;
    const key = uniqueCustomer('horizon');
    await fx.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(fx, key, {
        tuning: { searchAttributes: false, deliveryHorizonMs: 10 * 60_000, deliveryMaxBackoffMs: 60_000 },
      });
      await fx.webhook.down();
      fx.sim.sendAgentMessage(vendorId, 'lost in the outage?');
      fx.sim.endChat(vendorId);
      const ended = async () => (await fx.bridge.sessions.state(key)).status === 'ended';
      while (!(await ended())) await new Promise((r) => setTimeout(r, 100));
      // Awaiting results through the time-skipping client skips the server's clock: through the retries,
      // past the 10-minute horizon, and through the week the dead letters wait for a redrive.
      const result = await handle.result();
      assert.ok(result.undelivered, 'the ended chat handed its backlog on');
      const deliveries = fx.bridge.client.workflow.getHandle<typeof chatDeliveries>(
        result.undelivered.workflowId,
      );
      const done = await deliveries.result();
      const reasons = done.deadLetters.deadLetters.map((l) => [l.event.event.kind, l.reason]);
      assert.deepEqual(
        reasons.filter(([kind]) => kind === 'messageReceived'),
        [['messageReceived', 'not delivered within the delivery horizon']],
      );
      assert.equal(done.delivered, 0);
      assert.deepEqual(agentTexts(fx), []);
    });
  });

  it('a webhook answering 410: the chat still ends and completes, its events are dead letters, the next chat starts, and a redrive delivers them', async () => {
    f = await liveAgentFixture(env);
    const fx = f;
    const key = uniqueCustomer('gone');
    await fx.bridge.run(async () => {
      const tuning = { searchAttributes: false }; // the time-skipping server cannot register them
      const { handle, vendorId } = await openAcceptedChat(fx, key, { tuning });
      fx.webhook.refuseWith(410);
      fx.sim.sendAgentMessage(vendorId, 'first');
      fx.sim.sendAgentMessage(vendorId, 'second');
      await eventually(async () => ((await handle.query(deadLettersQuery)).total >= 2 ? true : undefined));
      fx.sim.endChat(vendorId);

      // A plain client: awaiting a result through the time-skipping client would also skip the
      // deliveries workflow's week of waiting for a redrive.
      const plain = new Client({ connection: env.connection, namespace: env.namespace });
      const result = await plain.workflow.getHandle<ChatSessionWorkflow>(handle.workflowId).result();
      assert.equal(result.endReason, 'agent');
      assert.ok(result.undelivered, 'the refused events moved to a deliveries workflow');
      assert.equal(result.undelivered.pending, 0);
      const deliveries = plain.workflow.getHandle(result.undelivered.workflowId);
      const letters = await deliveries.query(deadLettersQuery);
      assert.deepEqual(
        letters.deadLetters.flatMap((l) =>
          l.event.event.kind === 'messageReceived' ? [l.event.event.text] : [],
        ),
        ['first', 'second'],
      );
      assert.ok(letters.deadLetters.every((l) => /HTTP 410/.test(l.reason)));
      assert.ok(
        letters.deadLetters.some((l) => l.event.event.kind === 'chatEnded'),
        'the end is among them too',
      );

      // The business key is free: the customer's next chat is a new run, not the ended one.
      const next = await fx.bridge.sessions.startOrGet(key, {
        provider: 'salesforce-live-agent',
        customerId: key.customerId,
        visitorName: 'Visitor again',
        webhookUrl: fx.webhook.url,
        tuning,
      });
      assert.notEqual(next.firstExecutionRunId, handle.firstExecutionRunId);
      assert.notEqual((await fx.bridge.sessions.state(key)).status, 'ended');

      // The receiver is fixed; the operator redrives: every dead letter arrives, under its own key.
      fx.webhook.refuseWith(null);
      const { redriven } = await deliveries.executeUpdate(redriveDeadLettersUpdate);
      assert.equal(redriven, letters.deadLetters.length);
      const done: ChatDeliveriesResult = await deliveries.result();
      assert.equal(done.delivered, redriven);
      assert.deepEqual(done.deadLetters.deadLetters, []);
      assert.deepEqual(agentTexts(fx), ['first', 'second']);
      const keys = fx.webhook.deliveries.map((d) => d.idempotencyKey);
      assert.equal(keys.length, new Set(keys).size, 'each dead letter delivered once, under its own key');
      // Ended and finished here: a chat left open on the shared test server would hold its clock.
      await fx.bridge.sessions.end(key);
      await plain.workflow.getHandle(next.workflowId).result();
    });
  });
});

describe('dead letters: the search attribute an operator lists them by (dev server)', function () {
  this.timeout(120_000);
  let f: LiveAgentFixture | undefined;
  afterEach(async () => f?.close());

  it('a session is found by ChatDeadLetters > 0 once it has a dead letter, and not before', async () => {
    f = await liveAgentFixture(await devServerEnv());
    const fx = f;
    const key = uniqueCustomer('listed');
    await fx.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(fx, key);
      const listed = async () => {
        const found: string[] = [];
        const query = `ChatDeadLetters > 0 AND WorkflowId = '${handle.workflowId}'`;
        for await (const wf of fx.bridge.client.workflow.list({ query })) found.push(wf.workflowId);
        return found;
      };
      fx.sim.sendAgentMessage(vendorId, 'delivered');
      await fx.webhook.waitFor(() => agentTexts(fx).includes('delivered'));
      assert.equal((await handle.describe()).searchAttributes.ChatDeadLetters, undefined);
      assert.deepEqual(await listed(), []);

      fx.webhook.refuseWith(410);
      fx.sim.sendAgentMessage(vendorId, 'refused');
      await eventually(async () => ((await handle.query(deadLettersQuery)).total >= 1 ? true : undefined));
      assert.deepEqual(
        await eventually(async () => ((await listed()).length > 0 ? await listed() : undefined)),
        [handle.workflowId],
      );
      fx.webhook.refuseWith(null);
      await fx.bridge.sessions.end(key);
    });
  });
});
