// Replay guards determinism: every recorded history must replay against today's workflow code.
// Each fixture is a whole chat (queue, failover handover, worker SIGKILL, agent end) recorded by
// `npx tsx src/demo/main.ts --record-history=<name>` with the code of its day:
// - hub-session-2026-12-03: the connection-hub core while the hub delivered before the session recorded;
// - hub-session-record-then-deliver: the hub delivers only what the session recorded.
// The per-session-poll histories before them cannot replay on the hub core (it changed what a session
// schedules), so that upgrade needs open sessions drained first (OPERATIONS.md). The last test records
// a fresh history and replays it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { sessionInput, uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, onlySessionId, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { devServerEnv } from '../helpers/temporal-envs';
import { workflowBundle } from '../helpers/workflow-bundle';
import { tracingWorkerOptions } from '../../src/tracing';

/** A replay worker as OTEL_TRACES_EXPORTER=otlp configures it; spans (none in replay) go to memory. */
async function tracedReplayOptions() {
  const { interceptors, sinks } = tracingWorkerOptions({
    spanProcessor: new SimpleSpanProcessor(new InMemorySpanExporter()),
    resource: new Resource({}),
  });
  return { workflowBundle: await workflowBundle({ tracing: true }), interceptors, sinks };
}

const fixtures = path.resolve(__dirname, '../fixtures/histories');

describe('replay of recorded histories', function () {
  this.timeout(120_000);
  let f: LiveAgentFixture | undefined;
  let testEnv: TestWorkflowEnvironment;
  const env = () => testEnv;
  afterEach(async () => f?.close());

  for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.binpb'))) {
    it(`replays ${file} without non-determinism`, async () => {
      const history = temporal.api.history.v1.History.decode(readFileSync(path.join(fixtures, file)));
      assert.ok((history.events?.length ?? 0) > 50, 'the fixture is a whole session');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    });

    it(`replays ${file} on a worker with tracing turned on`, async () => {
      const history = temporal.api.history.v1.History.decode(readFileSync(path.join(fixtures, file)));
      await Worker.runReplayHistory(await tracedReplayOptions(), history, file);
    });
  }

  it('replays a freshly recorded session with a handover and continue-as-new', async () => {
    testEnv = await devServerEnv();
    f = await liveAgentFixture(testEnv);
    const fx = f;
    const key = uniqueCustomer('replay');
    const histories = await fx.bridge.run(async () => {
      const handle = await fx.bridge.sessions.startOrGet(
        key,
        sessionInput(key, fx.webhook.url, { tuning: { continueAsNewAfterEvents: 50 } }),
      );
      const vendorId = await onlySessionId(fx.sim);
      fx.sim.accept(vendorId, { agentName: 'Ada' });
      for (let i = 0; i < 6; i++) {
        fx.sim.sendAgentMessage(vendorId, `agent ${i}`);
        await fx.bridge.sessions.send(key, { clientMessageId: `c${i}`, text: `customer ${i}` });
        if (i === 2) fx.sim.failover(vendorId);
      }
      fx.sim.endChat(vendorId);
      await handle.result();
      // The first run ends in continue-as-new; the last run holds the handover's aftermath and the end.
      const firstRun = fx.bridge.sessions.handle(key).workflowId;
      const first = env().client.workflow.getHandle(firstRun, handle.firstExecutionRunId);
      const last = env().client.workflow.getHandle(firstRun);
      const [firstHistory, lastHistory] = [await first.fetchHistory(), await last.fetchHistory()];
      assert.ok(
        firstHistory.events?.some((e) => e.workflowExecutionContinuedAsNewEventAttributes),
        'the first run continued as new',
      );
      return [firstHistory, lastHistory];
    });
    for (const history of histories) {
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'fresh');
      await Worker.runReplayHistory(await tracedReplayOptions(), history, 'fresh, traced');
    }
  });
});
