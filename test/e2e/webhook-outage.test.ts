// The channel's webhook goes down: the vendor session stays alive (the poll lane never waits for
// deliveries), and once the webhook is back every event arrives once per key, in order.
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sessionInput, uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, onlySessionId, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { devServerEnv, ownTimeSkippingEnv } from '../helpers/temporal-envs';
import type { chatDeliveries } from '../../src/workflows/chat-deliveries';

const agentTexts = (f: LiveAgentFixture) =>
  f.webhook.uniqueEvents().flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));

/** Once the webhook is back: every agent text arrives, in order, and event indexes have no gap. */
async function allArriveOnceInOrder(fx: LiveAgentFixture, texts: string[]): Promise<void> {
  await fx.webhook.waitFor(() => agentTexts(fx).length === texts.length, 60_000);
  assert.deepEqual(agentTexts(fx), texts);
  const unique = fx.webhook.uniqueEvents();
  assert.deepEqual(
    unique.map((e) => e.index),
    unique.map((_, i) => i),
  );
}

describe('webhook outage', function () {
  this.timeout(120_000);
  let f: LiveAgentFixture | undefined;
  const ownEnvs: TestWorkflowEnvironment[] = [];
  afterEach(async () => {
    await f?.close();
    f = undefined;
    for (const env of ownEnvs.splice(0)) await env.teardown();
  });

  it('dev server: the vendor session outlives a webhook outage of several session timeouts', async () => {
    const env: TestWorkflowEnvironment = await devServerEnv();
    f = await liveAgentFixture(env); // vendor session timeout 4 s
    const fx = f;
    const key = uniqueCustomer('outage');
    await fx.bridge.run(async () => {
      const handle = await fx.bridge.sessions.startOrGet(
        key,
        sessionInput(key, fx.webhook.url, { tuning: { deliveryMaxBackoffMs: 1_000 } }),
      );
      const vendorId = await onlySessionId(fx.sim);
      await fx.webhook.down();
      fx.sim.accept(vendorId, { agentName: 'Ada' });
      for (const text of ['one', 'two', 'three']) fx.sim.sendAgentMessage(vendorId, text);
      await new Promise((r) => setTimeout(r, 10_000)); // 2.5 vendor session timeouts
      assert.equal(fx.sim.stats().expiredSessions, 0, 'the vendor session stayed alive');
      assert.equal(fx.sim.session(vendorId).ended, false);
      const state = await fx.bridge.sessions.state(key);
      assert.ok(
        state.pendingDeliveries >= 4,
        `events wait for the webhook (pending ${state.pendingDeliveries})`,
      );
      await fx.webhook.up();
      await allArriveOnceInOrder(fx, ['one', 'two', 'three']);
      fx.sim.endChat(vendorId);
      await handle.result();
    });
  });

  it('dev server: an agent who keeps writing through an outage fills the backlog to its bound; the vendor holds the rest; all arrive once, in order', async () => {
    const env: TestWorkflowEnvironment = await devServerEnv();
    f = await liveAgentFixture(env);
    const fx = f;
    const key = uniqueCustomer('backlog');
    await fx.bridge.run(async () => {
      const handle = await fx.bridge.sessions.startOrGet(
        key,
        sessionInput(key, fx.webhook.url, {
          tuning: { deliveryMaxBackoffMs: 1_000, deliveryBacklogMaxBytes: 16 * 1024 },
        }),
      );
      const vendorId = await onlySessionId(fx.sim);
      fx.sim.accept(vendorId, { agentName: 'Ada' });
      await fx.webhook.waitFor(() => fx.webhook.uniqueEvents().length >= 1);
      await fx.webhook.down();
      const texts = Array.from({ length: 30 }, (_, i) => `${i} ${'x'.repeat(2_000)}`);
      // A first wave (20 KB) fills the 16 KB backlog; what the agent writes next stays with the vendor.
      for (const text of texts.slice(0, 10)) fx.sim.sendAgentMessage(vendorId, text);
      let before = await fx.bridge.sessions.state(key);
      for (;;) {
        await new Promise((r) => setTimeout(r, 2_000));
        const now = await fx.bridge.sessions.state(key);
        if (now.lastEventIndex === before.lastEventIndex && now.lastEventIndex >= 5) break;
        before = now;
      }
      for (const text of texts.slice(10)) fx.sim.sendAgentMessage(vendorId, text);
      await new Promise((r) => setTimeout(r, 8_000)); // two vendor session timeouts
      const state = await fx.bridge.sessions.state(key);
      assert.equal(state.lastEventIndex, before.lastEventIndex, 'nothing recorded while the backlog is full');
      // The backlog stops where the batch that passed 16 KB ended: the first wave, not one event more.
      assert.equal(state.pendingDeliveries, before.pendingDeliveries);
      assert.ok(state.pendingDeliveries <= 11, `the first wave at most (${state.pendingDeliveries} events)`);
      assert.equal(fx.sim.stats().expiredSessions, 0, 'the vendor session stayed alive');
      await fx.webhook.up();
      await allArriveOnceInOrder(fx, texts);
      fx.sim.endChat(vendorId);
      await handle.result();
    });
  });

  it('time-skipping: an ended chat hands its backlog on; it retries through two hours of backoff in seconds, then arrives in order', async () => {
    // The ended chat starts an abandoned child: a server of its own (see ownTimeSkippingEnv).
    const env = await ownTimeSkippingEnv();
    ownEnvs.push(env);
    f = await liveAgentFixture(env);
    const fx = f;
    const key = uniqueCustomer('skip');
    await fx.bridge.run(async () => {
      const handle = await fx.bridge.sessions.startOrGet(
        key,
        // The time-skipping server cannot register custom search attributes.
        sessionInput(key, fx.webhook.url, {
          tuning: { deliveryMaxBackoffMs: 60_000, searchAttributes: false },
        }),
      );
      const vendorId = await onlySessionId(fx.sim);
      await fx.webhook.down();
      fx.sim.accept(vendorId, { agentName: 'Ada' });
      fx.sim.sendAgentMessage(vendorId, 'first');
      fx.sim.sendAgentMessage(vendorId, 'second');
      fx.sim.endChat(vendorId);
      // Once the chat has ended no vendor poll is in flight, so the server can skip the retry timers.
      const ended = async () => (await fx.bridge.sessions.state(key)).status === 'ended';
      while (!(await ended())) await new Promise((r) => setTimeout(r, 100));
      const realStart = Date.now();
      const serverStart = await env.currentTimeMs();
      await env.sleep('2 hours');
      const skippedMs = (await env.currentTimeMs()) - serverStart;
      const realMs = Date.now() - realStart;
      assert.ok(skippedMs >= 2 * 3600_000, `server time advanced ${skippedMs} ms`);
      assert.ok(realMs < 60_000, `two hours took ${realMs} ms of real time`);
      assert.equal(agentTexts(fx).length, 0);
      // The chat's workflow completed long ago (its business key is free); its deliveries go on.
      const result = await handle.result();
      assert.equal(result.endReason, 'agent');
      assert.ok(result.undelivered && result.undelivered.pending > 0, JSON.stringify(result.undelivered));
      await fx.webhook.up();
      const deliveries = fx.bridge.client.workflow.getHandle<typeof chatDeliveries>(
        result.undelivered.workflowId,
      );
      const done = await deliveries.result();
      assert.equal(done.delivered, result.undelivered.pending);
      assert.deepEqual(done.deadLetters.deadLetters, []);
      assert.deepEqual(agentTexts(fx), ['first', 'second']);
      const unique = fx.webhook.uniqueEvents();
      assert.deepEqual(
        unique.map((e) => e.index),
        unique.map((_, i) => i),
      );
      console.log(`      skipped ${(skippedMs / 3600_000).toFixed(2)} h of server time in ${realMs} ms`);
    });
  });
});
