// The contract every vendor passes: the same scenarios, written against ContractSimulator, run against
// each vendor's strict simulator, on the dev server and on the time-skipping test server (its clock kept
// real: the simulators run in real time). A vendor is added to `vendors` when its folder is.
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { ChatSessions, type BusinessKey } from '../../src/client';
import { localWorkerEnv } from '../../src/runtime/local-worker-env';
import { WorkerProcess } from '../../src/runtime/worker-process';
import type { StartSessionInput } from '../../src/shared/session-types';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import {
  eventually,
  sessionInput,
  startBridge,
  testWebhookSecret,
  uniqueCustomer,
  type Bridge,
} from '../helpers/bridge-harness';
import { useDevServer, useTimeSkippingServer } from '../helpers/suite-hooks';
import type { ContractSimulator, ContractVendor } from './contract-vendor';
import { gmsContract } from './vendors/genesys-gms';
import { liveAgentContract } from './vendors/live-agent';
import { testStreamContract } from './vendors/test-stream';

const vendors: ContractVendor[] = [liveAgentContract, testStreamContract, gmsContract];
const servers = [
  { name: 'dev server', use: useDevServer, searchAttributes: true, stickyFallback: true },
  // The test server has no operator service to register the session's search attributes with, and never
  // moves a task off a dead worker's sticky queue (the dev server does after its schedule-to-start timeout).
  {
    name: 'time-skipping server',
    use: useTimeSkippingServer,
    searchAttributes: false,
    stickyFallback: false,
  },
];

for (const server of servers)
  for (const vendor of vendors) {
    describe(`session contract: ${vendor.name} (${server.name})`, function () {
      this.timeout(120_000);
      const env = server.use();
      let sim: ContractSimulator;
      let webhook: WebhookReceiver;
      let bridge: Bridge;
      const workers: WorkerProcess[] = [];

      const input = (key: BusinessKey, extra: Partial<StartSessionInput> = {}) =>
        sessionInput(key, webhook.url, {
          provider: sim.provider,
          ...extra,
          tuning: { searchAttributes: server.searchAttributes, ...extra.tuning },
        });
      const agentTexts = () =>
        webhook.uniqueEvents().flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));
      const kinds = () => webhook.uniqueEvents().map((e) => e.event.kind);

      /** Every event once, under one key, in index order with no gap; the vendor saw one connection at a time. */
      const assertInvariants = () => {
        const unique = webhook.uniqueEvents();
        assert.deepEqual(
          unique.map((e) => e.index),
          unique.map((_, i) => i),
          'events arrive in order with no gaps',
        );
        const keys = new Set(webhook.deliveries.map((d) => d.idempotencyKey));
        assert.equal(keys.size, unique.length, 'one idempotency key per event');
        const stats = sim.stats();
        assert.equal(stats.conflicts, 0, 'no second connection reached the vendor');
        assert.equal(stats.maxConcurrentConnections, 1, 'never two connections at once');
        assert.equal(stats.expired, 0, 'the vendor session never expired');
      };

      async function open(extra: Partial<StartSessionInput> = {}) {
        const key = uniqueCustomer(vendor.name);
        const handle = await bridge.sessions.startOrGet(key, input(key, extra));
        const id = await sim.onlySessionId();
        sim.accept(id, 'Ada');
        await eventually(async () =>
          (await bridge.sessions.state(key)).status === 'chatting' ? true : undefined,
        );
        return { key, handle, id };
      }

      beforeEach(async () => {
        sim = await vendor.start();
        webhook = await WebhookReceiver.start(testWebhookSecret);
        bridge = await startBridge(env(), 'http://127.0.0.1:9/chat/rest/', sim.workerEnv(), [], {
          skipTime: false,
        });
      });
      afterEach(async () => {
        await bridge.worker.shutdown();
        await Promise.all(workers.splice(0).map((w) => w.kill()));
        await webhook.close();
        await sim.close();
      });

      it('relays both ways and ends when the agent ends the chat', async () => {
        await bridge.run(async () => {
          const { key, handle, id } = await open();
          await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'hello' });
          sim.agentSays(id, 'hi, how can I help?');
          await bridge.sessions.send(key, { clientMessageId: 'c2', text: 'my order' });
          sim.agentSays(id, 'on its way');
          await webhook.waitFor(() => agentTexts().length === 2);
          sim.endChat(id);
          const result = await handle.result();
          assert.equal(result.endReason, 'agent');
          assert.deepEqual(agentTexts(), ['hi, how can I help?', 'on its way']);
          assert.deepEqual(sim.customerTexts(id), ['hello', 'my order']);
          assert.ok(kinds().includes('agentConnected'));
          assert.equal(kinds().at(-1), 'chatEnded');
          assertInvariants();
        });
      });

      it('the customer ends the chat', async () => {
        await bridge.run(async () => {
          const { key, handle, id } = await open();
          await bridge.sessions.send(key, { clientMessageId: 'bye', text: 'thanks, bye' });
          await bridge.sessions.end(key);
          assert.equal((await handle.result()).endReason, 'client');
          assert.equal(sim.endReason(id), 'client');
          assert.deepEqual(sim.customerTexts(id), ['thanks, bye']);
          await webhook.waitFor(() => kinds().at(-1) === 'chatEnded');
          assertInvariants();
        });
      });

      it('a handover in the middle of a burst of sends: every message reaches the vendor once, in order', async () => {
        await bridge.run(async () => {
          const { key, handle, id } = await open();
          const texts = ['one', 'two', 'three', 'four', 'five'];
          // Pipelined as the README shows: each queued in turn (ordered by the session), awaited afterwards.
          const sent: Array<Promise<unknown>> = [];
          for (const [i, text] of texts.entries()) {
            sent.push((await bridge.sessions.queue(key, { clientMessageId: `m${i}`, text })).sent);
            if (i === 1) sim.forceHandover(id);
          }
          await Promise.all(sent);
          await eventually(async () =>
            (await bridge.sessions.state(key)).handovers >= 1 ? true : undefined,
          );
          sim.agentSays(id, 'after the handover');
          await webhook.waitFor(() => agentTexts().includes('after the handover'));
          assert.deepEqual(sim.customerTexts(id), texts);
          sim.endChat(id);
          assert.equal((await handle.result()).endReason, 'agent');
          assert.deepEqual(agentTexts(), ['after the handover']);
          assertInvariants();
        });
      });

      it('a webhook outage: events wait, then arrive once and in order, and the vendor session lives on', async () => {
        await bridge.run(async () => {
          const { key, handle, id } = await open({ tuning: { deliveryMaxBackoffMs: 1_000 } });
          await webhook.down();
          for (const text of ['one', 'two', 'three']) sim.agentSays(id, text);
          await eventually(async () =>
            (await bridge.sessions.state(key)).pendingDeliveries >= 3 ? true : undefined,
          );
          await new Promise((r) => setTimeout(r, 6_000)); // longer than the vendor's compressed expiry
          await webhook.up();
          await webhook.waitFor(() => agentTexts().length === 3);
          sim.agentSays(id, 'four');
          await webhook.waitFor(() => agentTexts().length === 4);
          assert.deepEqual(agentTexts(), ['one', 'two', 'three', 'four']);
          sim.endChat(id);
          await handle.result();
          assertInvariants();
        });
      });

      it('a long idle writes nothing to history and keeps the vendor session alive', async () => {
        await bridge.run(async () => {
          const { key, handle, id } = await open();
          await new Promise((r) => setTimeout(r, 1_000)); // let the acceptance settle
          const before = (await handle.describe()).historyLength;
          await new Promise((r) => setTimeout(r, 8_000)); // several receives and vendor expiry windows
          const after = (await handle.describe()).historyLength;
          assert.equal(after, before, `idle history grew from ${before} to ${after} events`);
          assert.equal(sim.connectionOpen(id) || sim.stats().maxGapMs < 4_000, true);
          sim.agentSays(id, 'still here');
          await webhook.waitFor(() => agentTexts().includes('still here'));
          await bridge.sessions.end(key);
          await handle.result();
          assertInvariants();
        });
      });

      it('continue-as-new mid-conversation loses nothing and doubles nothing', async () => {
        await bridge.run(async () => {
          const { key, handle, id } = await open({ tuning: { continueAsNewAfterEvents: 50 } });
          const expected: string[] = [];
          for (let i = 0; i < 8; i++) {
            sim.agentSays(id, `agent ${i}`);
            expected.push(`agent ${i}`);
            await bridge.sessions.send(key, { clientMessageId: `c${i}`, text: `customer ${i}` });
          }
          await webhook.waitFor(() => agentTexts().length === 8);
          assert.ok((await bridge.sessions.state(key)).runs > 1, 'the session continued as new');
          sim.endChat(id);
          await handle.result();
          assert.deepEqual(agentTexts(), expected);
          assert.deepEqual(
            sim.customerTexts(id),
            expected.map((_, i) => `customer ${i}`),
          );
          assertInvariants();
        });
      });

      // Only where a dead worker's sticky tasks move on: the test server keeps them on the dead worker's
      // sticky queue (no schedule-to-start fallback), and with sticky execution off there, an update sent
      // right after the SIGKILL never completed in our runs. Re-homing is the dev server's to show.
      if (server.stickyFallback)
        it('a worker SIGKILLed while it holds the connection: another worker takes over before the vendor expires the session', async () => {
          await sim.close();
          sim = await vendor.start({ realistic: true });
          const taskQueue = `contract-crash-${Date.now()}`;
          const workerEnv = {
            ...localWorkerEnv({
              temporalAddress: env().address,
              liveAgentUrl: 'http://127.0.0.1:9/chat/rest/',
              taskQueue,
              webhookSecret: testWebhookSecret,
            }),
            ...sim.workerEnv(),
            METRICS_BIND_ADDRESS: 'off',
          };
          const first = await WorkerProcess.start({ env: workerEnv });
          workers.push(first);
          const sessions = new ChatSessions(new Client({ connection: env().connection }), { taskQueue });
          const key = uniqueCustomer(`${vendor.name}-crash`);
          const handle = await sessions.startOrGet(key, input(key));
          const id = await sim.onlySessionId();
          sim.accept(id, 'Ada');
          await sessions.send(key, { clientMessageId: 'before', text: 'before the crash' });
          sim.agentSays(id, 'agent before');
          await webhook.waitFor(() => agentTexts().length === 1);
          workers.push(await WorkerProcess.start({ env: workerEnv }));
          await eventually(() => (sim.connectionOpen(id) ? true : undefined));
          await first.kill();
          sim.agentSays(id, 'agent after');
          await sessions.send(key, { clientMessageId: 'after', text: 'after the crash' });
          await webhook.waitFor(() => agentTexts().length === 2, 60_000);
          sim.endChat(id);
          assert.equal((await handle.result()).endReason, 'agent');
          assert.deepEqual(sim.customerTexts(id), ['before the crash', 'after the crash']);
          assert.deepEqual(agentTexts(), ['agent before', 'agent after']);
          assertInvariants();
          // Correctness bound: the vendor's expiry. The benchmark measures how short the gap is.
          const gap = sim.stats().maxGapMs;
          assert.ok(
            gap < sim.expiryMs,
            `connection gap ${gap} ms after the SIGKILL must stay under ${sim.expiryMs} ms`,
          );
          console.log(`      connection gap after SIGKILL: ${gap} ms`);
        });
    });
  }
