// An operator resets a chat to an earlier point (Web UI "Reset", `temporal workflow reset`): the record
// goes back, and the events recorded again from there must never reuse an idempotency key the run
// before the reset already delivered for another event.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, openAcceptedChat, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { devServerEnv } from '../helpers/temporal-envs';

const EventType = temporal.api.enums.v1.EventType;

describe('operator reset (dev server)', function () {
  this.timeout(120_000);
  let f: LiveAgentFixture | undefined;
  afterEach(async () => f?.close());

  it('a reset to before the last agent message: later events get new keys, and no key names two events', async () => {
    const env: TestWorkflowEnvironment = await devServerEnv();
    f = await liveAgentFixture(env);
    const fx = f;
    const key = uniqueCustomer('reset');
    await fx.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(fx, key);
      const texts = () =>
        fx.webhook.uniqueEvents().flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));
      fx.sim.sendAgentMessage(vendorId, 'before the reset point');
      await fx.webhook.waitFor(() => texts().length === 1);
      fx.sim.sendAgentMessage(vendorId, 'undone by the reset');
      await fx.webhook.waitFor(() => texts().length === 2);

      // Back to the last workflow task before the batch that recorded the second message.
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const isBatch = (e: (typeof events)[number]) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED;
      const lastBatch = events.length - 1 - [...events].reverse().findIndex(isBatch);
      const resetPoint = events
        .slice(0, lastBatch)
        .reverse()
        .find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      assert.ok(resetPoint?.eventId, 'a workflow task before the last batch');
      const { runId } = await fx.bridge.client.workflowService.resetWorkflowExecution({
        namespace: env.namespace ?? 'default',
        workflowExecution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
        workflowTaskFinishEventId: resetPoint.eventId,
        requestId: randomUUID(),
        reason: 'test: operator reset',
      });
      assert.ok(runId);

      fx.sim.sendAgentMessage(vendorId, 'after the reset');
      await fx.webhook.waitFor(() => texts().includes('after the reset'), 60_000);

      const byKey = new Map<string, string>();
      for (const d of fx.webhook.deliveries) {
        const content = JSON.stringify(d.body.event.event);
        const seen = byKey.get(d.idempotencyKey);
        assert.ok(
          seen === undefined || seen === content,
          `key ${d.idempotencyKey} named ${seen} and ${content}`,
        );
        byKey.set(d.idempotencyKey, content);
      }
      const after = fx.webhook.deliveries.find(
        (d) => d.body.event.event.kind === 'messageReceived' && d.body.event.event.text === 'after the reset',
      );
      assert.ok(after?.idempotencyKey.startsWith(`${runId}:`), after?.idempotencyKey);
      await fx.bridge.sessions.end(key);
    });
  });
});
