// The activities in a MockActivityEnvironment (no server): the send passes its stamp through and signals
// only a failed credential, the attach hands its input to the hub, the hub's lease refuses a foreign
// hub id and ends once the hub has drained, and a retried delivery skips what the last attempt posted.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, noopMetricMeter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Agent } from 'undici';
import { createActivities, createHubActivities, type ActivityDeps } from '../../src/activities';
import type { DeliverEventsResult } from '../../src/activities/deliver-events';
import type { WebhookSettings } from '../../src/delivery/post-webhook-event';
import { ConnectionHub, HubFailure } from '../../src/hub/connection-hub';
import type { SessionSignals } from '../../src/hub/session-signals';
import { ProviderRegistry } from '../../src/providers/registry';
import type { SessionEvent } from '../../src/shared/events';
import { FailureType } from '../../src/shared/failure-types';
import type { AttachConnectionInput, AttachConnectionResult } from '../../src/shared/hub-types';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import { FakeVendor, fakeFailure, fakeVendorName } from '../helpers/fake-vendor';

const quietLogger = new DefaultLogger('ERROR');
const workflowExecution = { workflowId: 'chat:wechat:activity-test', runId: 'run-1' };
const secret = 'activities-test-secret-0123456789';

/** The part of a Client an activity uses (`ctx.client.workflow.getHandle(id).signal`), recording signals. */
function recordingClient(fail?: Error) {
  const signals: Array<{ workflowId: string; name: string; arg: unknown }> = [];
  const client = {
    // The activity runs inside the client's abort scope (the SDK's Activity calls this).
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: (def: { name: string } | string, arg: unknown) => {
          signals.push({ workflowId, name: typeof def === 'string' ? def : def.name, arg });
          return fail ? Promise.reject(fail) : Promise.resolve();
        },
      }),
    },
  };
  return { signals, client: client as unknown as Client };
}

const noSignals: SessionSignals = {
  vendorEvents: (_id, batch) =>
    Promise.resolve({ recordedThrough: batch.firstIndex + batch.events.length - 1, deliverThrough: -1 }),
  eventsDelivered: () => Promise.resolve(),
  adoptConnection: () => Promise.resolve(null),
  handover: () => Promise.resolve(),
  connectionLost: () => Promise.resolve(),
  isRunning: () => Promise.resolve(true),
};

function hubFor(providers: ProviderRegistry, webhook: WebhookSettings, hubId = 'hub-a'): ConnectionHub {
  return new ConnectionHub({
    hubId,
    hubTaskQueue: `queue/${hubId}`,
    providers,
    signals: noSignals,
    webhook,
    malformedAttemptsLimit: 3,
    meter: noopMetricMeter,
    log: () => undefined,
  });
}

describe('activities (MockActivityEnvironment)', () => {
  const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
  const webhook: WebhookSettings = { dispatcher, secret, timeoutMs: 2_000 };
  let vendor: FakeVendor;
  let deps: ActivityDeps;

  beforeEach(() => {
    vendor = new FakeVendor();
    const providers = new ProviderRegistry([vendor]);
    deps = { providers, hub: hubFor(providers, webhook), webhook };
  });

  after(async () => {
    await dispatcher.close();
  });

  describe('sendToVendor', () => {
    const input = {
      provider: fakeVendorName,
      credentials: { session: 'fake-1', token: 'token-0' },
      command: { kind: 'message' as const, text: 'hello' },
      stamp: { sequence: 7, idempotencyKey: 'uid-1:msg-1' },
      generation: 2,
    };

    it('passes the stamp through to the provider and signals nothing', async () => {
      const { signals, client } = recordingClient();
      const env = new MockActivityEnvironment({ workflowExecution }, { client, logger: quietLogger });
      await env.run(createActivities(deps).sendToVendor, input);
      assert.deepEqual(vendor.sends, [
        { session: 'fake-1', credentials: input.credentials, command: input.command, stamp: input.stamp },
      ]);
      assert.deepEqual(signals, []);
    });

    it('a vendor without numbering gets the null sequence as it is', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      const stamp = { sequence: null, idempotencyKey: 'uid-1:typing#0' };
      await env.run(createActivities(deps).sendToVendor, {
        ...input,
        command: { kind: 'typing' as const },
        stamp,
      });
      assert.deepEqual(
        vendor.sends.map((s) => s.stamp),
        [stamp],
      );
    });

    it('on VendorHandoverRequired: signals `handover` with the generation, then rethrows the typed failure', async () => {
      const failure = fakeFailure(FailureType.handoverRequired, 'the credential stopped working');
      vendor.sendFailures.push({ error: failure });
      const { signals, client } = recordingClient();
      const env = new MockActivityEnvironment({ workflowExecution }, { client, logger: quietLogger });
      await assert.rejects(env.run(createActivities(deps).sendToVendor, input), (err: unknown) => {
        assert.equal(err, failure, 'the very failure the provider threw');
        assert.ok(err instanceof ApplicationFailure && err.type === FailureType.handoverRequired);
        assert.equal(err.nonRetryable, true);
        return true;
      });
      assert.deepEqual(signals, [
        {
          workflowId: workflowExecution.workflowId,
          name: 'handover',
          arg: { generation: 2, reason: failure.message },
        },
      ]);
    });

    it('still rethrows the typed failure when the signal fails or no client is available', async () => {
      for (const client of [recordingClient(new Error('server unreachable')).client, undefined]) {
        vendor.sendFailures.push({ error: fakeFailure(FailureType.handoverRequired, 'renew') });
        const env = new MockActivityEnvironment(
          { workflowExecution },
          { ...(client ? { client } : {}), logger: quietLogger },
        );
        await assert.rejects(
          env.run(createActivities(deps).sendToVendor, input),
          (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.handoverRequired,
        );
      }
    });

    it('other vendor failures are rethrown without a signal', async () => {
      for (const type of [
        FailureType.vendorUnavailable,
        FailureType.requestRejected,
        FailureType.sessionGone,
      ]) {
        vendor.sendFailures.push({ error: fakeFailure(type, 'no') });
        const { signals, client } = recordingClient();
        const env = new MockActivityEnvironment({ workflowExecution }, { client, logger: quietLogger });
        await assert.rejects(
          env.run(createActivities(deps).sendToVendor, input),
          (err: unknown) => err instanceof ApplicationFailure && err.type === type,
        );
        assert.deepEqual(signals, [], type);
      }
    });
  });

  describe('attachConnection', () => {
    it('hands its input to the hub and returns what the hub answered', async () => {
      const calls: AttachConnectionInput[] = [];
      const answer: AttachConnectionResult = { hubId: 'hub-z', hubTaskQueue: 'queue/hub-z' };
      const hub = {
        attach: (input: AttachConnectionInput) => {
          calls.push(input);
          return Promise.resolve(answer);
        },
      } as unknown as ConnectionHub;
      const input: AttachConnectionInput = {
        sessionWorkflowId: workflowExecution.workflowId,
        sessionUid: 'uid-1',
        provider: fakeVendorName,
        credentials: { session: 'fake-1', token: 'token-0' },
        cursor: { offset: 3 },
        generation: 1,
        epoch: 4,
        nextEventIndex: 3,
        delivery: null,
      };
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      const result = await env.run(createActivities({ ...deps, hub }).attachConnection, input);
      assert.deepEqual(result, answer);
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0], input);
    });

    it('on the real hub: the hub holds the connection from the session cursor', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      await vendor.open({ customerId: 'c', visitorName: 'v', providerOptions: {} });
      const result = await env.run(createActivities(deps).attachConnection, {
        sessionWorkflowId: workflowExecution.workflowId,
        sessionUid: 'uid-1',
        provider: fakeVendorName,
        credentials: { session: 'fake-1', token: 'token-0' },
        cursor: { offset: 0 },
        generation: 0,
        epoch: 1,
        nextEventIndex: 0,
        delivery: null,
      });
      assert.deepEqual(result, { hubId: 'hub-a', hubTaskQueue: 'queue/hub-a' });
      assert.equal(deps.hub.size, 1);
      assert.deepEqual(vendor.connects, ['fake-1']);
      await deps.hub.drain('test over');
    });
  });

  describe('holdConnections', () => {
    const holdConnections = () => createHubActivities(deps).holdConnections;

    it('refuses a hub id that is not this process hub: HubUnavailable, non-retryable, no heartbeat', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      const beats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => beats.push(d));
      await assert.rejects(
        env.run(holdConnections(), { hubId: 'hub-elsewhere', leaseMs: 60_000 }),
        (err: unknown) =>
          err instanceof ApplicationFailure &&
          err.type === HubFailure.unavailable &&
          err.nonRetryable &&
          /hub-elsewhere/.test(err.message),
      );
      assert.deepEqual(beats, []);
    });

    it('heartbeats the hub size and returns { closed: true } once the hub has drained', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      const beats: unknown[] = [];
      const firstBeat = new Promise<void>((resolve) =>
        env.on('heartbeat', (d: unknown) => {
          beats.push(d);
          resolve();
        }),
      );
      const holding = env.run(holdConnections(), { hubId: 'hub-a', leaseMs: 60_000 });
      await firstBeat;
      assert.deepEqual(beats[0], { sessions: 0 });
      const startedAt = Date.now();
      await deps.hub.drain('the worker is stopping');
      assert.deepEqual(await holding, { closed: true });
      assert.ok(Date.now() - startedAt < 3_000, 'within a beat or two');
    });

    it('a cancel that comes with the drain (worker shutdown) also ends as { closed: true }, at once', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      const firstBeat = new Promise<void>((resolve) => env.once('heartbeat', () => resolve()));
      const holding = env.run(holdConnections(), { hubId: 'hub-a', leaseMs: 60_000 });
      await firstBeat;
      const startedAt = Date.now();
      await deps.hub.drain('shutdown');
      env.cancel();
      assert.deepEqual(await holding, { closed: true });
      assert.ok(Date.now() - startedAt < 500, 'the cancel ended the pause between beats');
    });

    it('returns { closed: false } when the lease runs out, and fails (retryable) once the hub fenced itself', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      assert.deepEqual(await env.run(holdConnections(), { hubId: 'hub-a', leaseMs: 0 }), { closed: false });
      await deps.hub.fence('lease lost');
      await assert.rejects(
        new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger }).run(holdConnections(), {
          hubId: 'hub-a',
          leaseMs: 60_000,
        }),
        (err: unknown) =>
          err instanceof ApplicationFailure && err.type === HubFailure.unavailable && !err.nonRetryable,
      );
    });
  });

  describe('deliverEvents', () => {
    let receiver: WebhookReceiver;
    before(async () => {
      receiver = await WebhookReceiver.start(secret);
    });
    after(async () => {
      await receiver.close();
    });
    beforeEach(() => {
      receiver.deliveries.length = 0;
    });

    const events: SessionEvent[] = [0, 1, 2, 3].map((index) => ({
      id: `uid-1:${index}`,
      index,
      at: new Date(1_700_000_000_000 + index).toISOString(),
      event: { kind: 'messageReceived', text: `message ${index}` },
    }));
    const input = () => ({
      webhookUrl: receiver.url,
      sessionId: workflowExecution.workflowId,
      customerId: 'cust-1',
      events,
    });

    it('during a secret rotation (WEBHOOK_SECRET_NEXT) signs with both: a receiver holding either secret accepts', async () => {
      const next = 'activities-next-secret-9876543210';
      const onlyNext = await WebhookReceiver.start(next);
      try {
        const rotating = { ...deps, webhook: { ...webhook, nextSecret: next } };
        for (const target of [receiver, onlyNext]) {
          const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
          const result = await env.run(createActivities(rotating).deliverEvents, {
            ...input(),
            webhookUrl: target.url,
          });
          assert.deepEqual(result, { deliveredThrough: 3 });
          assert.deepEqual(target.rejectedSignatures, []);
          assert.equal(target.deliveries.length, events.length);
        }
      } finally {
        await onlyNext.close();
      }
    });

    it('posts every event in order, signed, and heartbeats each index', async () => {
      const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
      const beats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => beats.push(d));
      assert.deepEqual(await env.run(createActivities(deps).deliverEvents, input()), { deliveredThrough: 3 });
      assert.deepEqual(
        receiver.deliveries.map((d) => d.idempotencyKey),
        events.map((e) => e.id),
      );
      assert.deepEqual(receiver.rejectedSignatures, []);
      assert.deepEqual(receiver.deliveries[2]?.body, {
        sessionId: workflowExecution.workflowId,
        customerId: 'cust-1',
        event: { id: events[2]!.id, index: events[2]!.index, event: events[2]!.event }, // no receive time
      });
      assert.deepEqual(beats, [0, 1, 2, 3]);
    });

    it('a retry skips the events up to the index in the heartbeat details', async () => {
      const env = new MockActivityEnvironment(
        { workflowExecution, attempt: 2, heartbeatDetails: 1 },
        { logger: quietLogger },
      );
      const beats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => beats.push(d));
      assert.deepEqual(await env.run(createActivities(deps).deliverEvents, input()), { deliveredThrough: 3 });
      assert.deepEqual(
        receiver.deliveries.map((d) => d.idempotencyKey),
        ['uid-1:2', 'uid-1:3'],
      );
      assert.deepEqual(beats, [2, 3]);
    });

    it('a retry after everything was posted posts nothing and reports the recorded index', async () => {
      const env = new MockActivityEnvironment(
        { workflowExecution, heartbeatDetails: 3 },
        { logger: quietLogger },
      );
      assert.deepEqual(await env.run(createActivities(deps).deliverEvents, input()), { deliveredThrough: 3 });
      assert.equal(receiver.deliveries.length, 0);
    });

    describe('answers that will never change', () => {
      let status = 200;
      let hits = 0;
      let server: Server;
      let url: string;
      before(async () => {
        server = createServer((req, res) => {
          hits += 1;
          req.resume();
          req.on('end', () => {
            res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://127.0.0.1:1/' } : {});
            res.end('refused');
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      });
      after(() => new Promise<void>((resolve) => server.close(() => resolve())));

      for (const refused of [400, 401, 403, 404, 410, 413, 302, 307]) {
        it(`HTTP ${refused}: reported as rejected for that event (not retried), nothing after it posted`, async () => {
          status = refused;
          hits = 0;
          const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
          const result: DeliverEventsResult = await env.run(createActivities(deps).deliverEvents, {
            ...input(),
            webhookUrl: url,
          });
          assert.equal(result.deliveredThrough, -1);
          assert.equal(result.rejected?.index, 0);
          assert.match(result.rejected!.reason, new RegExp(`HTTP ${refused}`));
          assert.equal(hits, 1, 'one request: nothing after the refused event');
        });
      }

      for (const transient of [500, 503, 429, 408]) {
        it(`HTTP ${transient}: a retryable ChannelDeliveryFailed`, async () => {
          status = transient;
          const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
          await assert.rejects(
            env.run(createActivities(deps).deliverEvents, { ...input(), webhookUrl: url }),
            (err: unknown) =>
              err instanceof ApplicationFailure &&
              err.type === FailureType.deliveryFailed &&
              !err.nonRetryable,
          );
        });
      }

      for (const unusable of ['file:///etc/passwd', 'not a url', 'ftp://example.test/hook']) {
        it(`an unusable URL (${unusable}): rejected without a request`, async () => {
          const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
          const result: DeliverEventsResult = await env.run(createActivities(deps).deliverEvents, {
            ...input(),
            webhookUrl: unusable,
          });
          assert.deepEqual(result.rejected?.index, 0);
        });
      }
    });

    it('a webhook that is down: a typed, retryable ChannelDeliveryFailed, and nothing heartbeated', async () => {
      await receiver.down();
      try {
        const env = new MockActivityEnvironment({ workflowExecution }, { logger: quietLogger });
        const beats: unknown[] = [];
        env.on('heartbeat', (d: unknown) => beats.push(d));
        await assert.rejects(
          env.run(createActivities(deps).deliverEvents, input()),
          (err: unknown) =>
            err instanceof ApplicationFailure && err.type === FailureType.deliveryFailed && !err.nonRetryable,
        );
        assert.deepEqual(beats, []);
      } finally {
        await receiver.up();
      }
    });
  });
});
