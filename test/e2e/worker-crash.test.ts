// A worker SIGKILLed during a long poll: the poll moves to another worker process before the vendor's
// session timeout, and never two polls at once (the simulator counts both).
import assert from 'node:assert/strict';
import { Client } from '@temporalio/client';
import { ChatSessions } from '../../src/client';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { localWorkerEnv } from '../../src/runtime/local-worker-env';
import { WorkerProcess } from '../../src/runtime/worker-process';
import {
  eventually,
  sessionInput,
  testIds,
  testWebhookSecret,
  uniqueCustomer,
} from '../helpers/bridge-harness';
import { onlySessionId } from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';

describe('worker crash (dev server, worker processes)', function () {
  this.timeout(180_000);
  const env = useDevServer();
  const workers: WorkerProcess[] = [];
  let sim: LiveAgentSimulator | undefined;
  let webhook: WebhookReceiver | undefined;

  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await webhook?.close();
    await sim?.close();
  });

  it('a worker stopped gracefully (SIGTERM) ends its long poll at once and another worker takes over', async () => {
    const gracefulSim = await LiveAgentSimulator.start({
      ...testIds,
      holdMs: 30_000,
      sessionTimeoutMs: 45_000,
    });
    const hook = await WebhookReceiver.start(testWebhookSecret);
    try {
      const taskQueue = `graceful-${Date.now()}`;
      const workerEnv = localWorkerEnv({
        temporalAddress: env().address,
        liveAgentUrl: gracefulSim.url,
        taskQueue,
        webhookSecret: testWebhookSecret,
      });
      const first = await WorkerProcess.start({ env: workerEnv });
      workers.push(first);
      const sessions = new ChatSessions(new Client({ connection: env().connection }), { taskQueue });
      const key = uniqueCustomer('graceful');
      const handle = await sessions.startOrGet(key, sessionInput(key, hook.url));
      const vendorId = await onlySessionId(gracefulSim);
      gracefulSim.accept(vendorId, { agentName: 'Ada' });
      const second = await WorkerProcess.start({ env: workerEnv });
      workers.push(second);
      await eventually(() => (gracefulSim.session(vendorId).pollOpen ? true : undefined));
      const stoppedAt = Date.now();
      await first.stop();
      const stopMs = Date.now() - stoppedAt;
      gracefulSim.sendAgentMessage(vendorId, 'after the deploy');
      await hook.waitFor((w) => w.uniqueEvents().some((e) => e.event.kind === 'messageReceived'), 30_000);
      gracefulSim.endChat(vendorId);
      await handle.result();
      const details = gracefulSim.session(vendorId);
      const stats = gracefulSim.stats();
      assert.ok(stopMs < 10_000, `the worker stopped in ${stopMs} ms`);
      assert.ok(details.maxPollGapMs < 5_000, `poll gap ${details.maxPollGapMs} ms after a graceful stop`);
      assert.equal(stats.maxConcurrentPollsPerSession, 1);
      assert.equal(stats.conflicts409, 0);
      console.log(`      graceful stop took ${stopMs} ms; poll gap ${details.maxPollGapMs} ms`);
    } finally {
      await hook.close();
      await gracefulSim.close();
    }
  });

  it('a worker SIGKILLed mid-poll: the survivor hub adopts the session, with no overlap and no expiry', async () => {
    // Realistic vendor timings: 30 s hold, 45 s session timeout.
    sim = await LiveAgentSimulator.start({ ...testIds, holdMs: 30_000, sessionTimeoutMs: 45_000 });
    webhook = await WebhookReceiver.start(testWebhookSecret);
    const taskQueue = `crash-${Date.now()}`;
    const workerEnv = localWorkerEnv({
      temporalAddress: env().address,
      liveAgentUrl: sim.url,
      taskQueue,
      webhookSecret: testWebhookSecret,
    });
    const first = await WorkerProcess.start({ env: workerEnv });
    workers.push(first);
    const sessions = new ChatSessions(new Client({ connection: env().connection }), { taskQueue });
    const key = uniqueCustomer('crash');
    const handle = await sessions.startOrGet(key, sessionInput(key, webhook.url));
    const vendorId = await onlySessionId(sim);
    sim.accept(vendorId, { agentName: 'Ada' });
    await sessions.send(key, { clientMessageId: 'before', text: 'before the crash' });
    sim.sendAgentMessage(vendorId, 'agent before');
    await webhook.waitFor((w) => w.uniqueEvents().some((e) => e.event.kind === 'messageReceived'));
    // A second worker is already up, as in any deployment; then the one holding the poll dies.
    const second = await WorkerProcess.start({ env: workerEnv });
    workers.push(second);
    await eventually(() => (sim!.session(vendorId).pollOpen ? true : undefined));
    await first.kill();
    const killedAt = Date.now();
    sim.sendAgentMessage(vendorId, 'agent after');
    await sessions.send(key, { clientMessageId: 'after', text: 'after the crash' });
    await webhook.waitFor(
      (w) => w.uniqueEvents().filter((e) => e.event.kind === 'messageReceived').length === 2,
      60_000,
    );
    const recoveredMs = Date.now() - killedAt;
    sim.endChat(vendorId);
    const result = await handle.result();
    assert.equal(result.endReason, 'agent');
    const stats = sim.stats();
    const details = sim.session(vendorId);
    assert.equal(stats.maxConcurrentPollsPerSession, 1, 'never two polls at once');
    assert.equal(stats.conflicts409, 0);
    assert.equal(stats.expiredSessions, 0);
    // Correctness bound: the vendor's session timeout. How short the gap is, is the benchmark's to say
    // (`npm run bench`, maxPollGapMs).
    assert.ok(
      details.maxPollGapMs < 45_000,
      `poll gap ${details.maxPollGapMs} ms must stay under the session timeout`,
    );
    assert.deepEqual(
      details.chasitorMessages.map((m) => m.text),
      ['before the crash', 'after the crash'],
    );
    const texts = webhook
      .uniqueEvents()
      .flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));
    assert.deepEqual(texts, ['agent before', 'agent after']);
    // Re-homed by adoption (one update from the survivor's hub), not by a second attach activity.
    const events = (await handle.fetchHistory()).events ?? [];
    const attaches = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'attachConnection',
    );
    const adoptions = events.filter(
      (e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'adoptConnection',
    );
    assert.equal(attaches.length, 1, 'attached once, before the crash');
    assert.equal(adoptions.length, 1, 'adopted once by the survivor');
    console.log(
      `      poll gap after SIGKILL: ${details.maxPollGapMs} ms; relay resumed after ${recoveredMs} ms`,
    );
  });
});
