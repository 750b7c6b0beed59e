// The worker's Prometheus endpoint. Runtime.install runs once per process and the test process already
// installed one, so the worker runs as a child process (src/worker.ts) with METRICS_BIND_ADDRESS set.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Client } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ChatSessions } from '../../src/client';
import { metricNames, parseMetricsBindAddress, vendorErrorTags } from '../../src/metrics';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { vendorFailure } from '../../src/providers/vendor-failure';
import { freePort } from '../../src/runtime/free-port';
import { localWorkerEnv } from '../../src/runtime/local-worker-env';
import { WorkerProcess } from '../../src/runtime/worker-process';
import { FailureType } from '../../src/shared/failure-types';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import { eventually, sessionInput, testWebhookSecret, uniqueCustomer } from '../helpers/bridge-harness';
import { fastSimSettings, onlySessionId } from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';

describe('metrics: METRICS_BIND_ADDRESS and vendor error tags', () => {
  it('defaults to 127.0.0.1:9464 (loopback), accepts IP literals and "off", rejects host names and bad ports', () => {
    assert.deepEqual(parseMetricsBindAddress(undefined), {
      kind: 'bind',
      address: '127.0.0.1:9464',
      explicit: false,
    });
    assert.deepEqual(parseMetricsBindAddress('off'), { kind: 'off' });
    assert.deepEqual(parseMetricsBindAddress('127.0.0.1:9100'), {
      kind: 'bind',
      address: '127.0.0.1:9100',
      explicit: true,
    });
    assert.deepEqual(parseMetricsBindAddress('[::]:9464'), {
      kind: 'bind',
      address: '[::]:9464',
      explicit: true,
    });
    for (const bad of ['localhost:9464', '0.0.0.0', '0.0.0.0:0', '0.0.0.0:70000', ':9464', '::1:9464']) {
      assert.throws(() => parseMetricsBindAddress(bad), /METRICS_BIND_ADDRESS: must be <ip>:<port>/, bad);
    }
  });

  it('tags a vendor failure by provider, HTTP status (or network / malformed) and operation', () => {
    const fallback = { provider: 'p', operation: 'poll' };
    const http503 = vendorFailure(FailureType.handoverRequired, 'HTTP 503', {
      provider: 'salesforce-live-agent',
      operation: 'Messages',
      status: 503,
    });
    assert.deepEqual(vendorErrorTags(http503, fallback), {
      provider: 'salesforce-live-agent',
      status: '503',
      operation: 'Messages',
    });
    const reset = vendorFailure(FailureType.vendorUnavailable, 'reset', {
      provider: 'x',
      operation: 'ChatMessage',
    });
    assert.equal(vendorErrorTags(reset, fallback)?.status, 'network');
    const malformed = vendorFailure(FailureType.malformedResponse, 'bad', {
      provider: 'x',
      operation: 'Messages',
    });
    assert.equal(vendorErrorTags(malformed, fallback)?.status, 'malformed');
    // Cancellations and non-vendor failures are not vendor errors.
    assert.equal(vendorErrorTags(new CancelledFailure('cancelled'), fallback), undefined);
    assert.equal(
      vendorErrorTags(ApplicationFailure.create({ type: FailureType.unknownProvider }), fallback),
      undefined,
    );
  });
});

describe('metrics: the worker process serves Prometheus metrics (dev server)', function () {
  this.timeout(120_000);
  const env = useDevServer();
  const workers: WorkerProcess[] = [];
  let sim: LiveAgentSimulator | undefined;
  let webhook: WebhookReceiver | undefined;

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await webhook?.close();
    await sim?.close();
  });

  const workerEnv = (liveAgentUrl: string, taskQueue: string, metricsAddress: string) => ({
    ...localWorkerEnv({
      temporalAddress: env().address,
      liveAgentUrl,
      taskQueue,
      webhookSecret: testWebhookSecret,
    }),
    METRICS_BIND_ADDRESS: metricsAddress,
  });

  it('exposes the SDK metrics and the bridge metrics after a session with a failover', async () => {
    sim = await LiveAgentSimulator.start(fastSimSettings);
    webhook = await WebhookReceiver.start(testWebhookSecret);
    const port = await freePort();
    const taskQueue = `metrics-${Date.now()}`;
    workers.push(await WorkerProcess.start({ env: workerEnv(sim.url, taskQueue, `127.0.0.1:${port}`) }));
    const sessions = new ChatSessions(new Client({ connection: env().connection }), { taskQueue });
    const key = uniqueCustomer('metrics');
    const handle = await sessions.startOrGet(key, sessionInput(key, webhook.url));
    const vendorId = await onlySessionId(sim);
    sim.accept(vendorId, { agentName: 'Ada' });
    sim.sendAgentMessage(vendorId, 'before the failover');
    await webhook.waitFor((w) => w.uniqueEvents().some((e) => e.event.kind === 'messageReceived'));
    sim.failover(vendorId);
    await eventually(async () => ((await sessions.state(key)).handovers === 1 ? true : undefined));
    sim.sendAgentMessage(vendorId, 'after the failover');
    await webhook.waitFor(
      (w) => w.uniqueEvents().filter((e) => e.event.kind === 'messageReceived').length === 2,
    );
    sim.endChat(vendorId);
    await handle.result();

    // The exporter reads the runtime's aggregates at scrape time: poll until the last recordings show.
    const text = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      const body = await res.text();
      return res.ok && sample(body, metricNames.handovers) !== undefined ? body : undefined;
    });
    assert.match(text, /^temporal_[a-z_]+/m, "the SDK's own temporal_* metrics");
    assert.match(text, /^temporal_activity_execution_latency_count\{.*activity_type="attachConnection"/m);
    assert.equal(sample(text, metricNames.handovers, 'provider="salesforce-live-agent"'), 1);
    assert.ok(
      (sample(text, metricNames.vendorErrors, 'status="503"') ?? 0) >= 1,
      'the 503 counted as a vendor error',
    );
    assert.ok((sample(text, `${metricNames.pollWaitMs}_count`) ?? 0) >= 1, 'poll waits recorded');
    assert.ok(
      (sample(text, `${metricNames.deliveryLagMs}_count`) ?? 0) >= 2,
      'delivery lag recorded per event',
    );
    assert.match(text, new RegExp(`^${metricNames.openPolls}(\\{.*\\})? \\d+`, 'm'), 'open polls gauge');
  });

  it('a METRICS_BIND_ADDRESS that cannot be bound stops the worker with exit code 2 and says why', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      await assert.rejects(
        WorkerProcess.start({
          env: workerEnv('http://127.0.0.1:1/chat/rest/', `metrics-taken-${Date.now()}`, `127.0.0.1:${port}`),
          readyTimeoutMs: 30_000,
        }),
        (err: Error) =>
          /code 2/.test(err.message) &&
          new RegExp(`METRICS_BIND_ADDRESS: cannot serve metrics on 127.0.0.1:${port}`).test(err.message),
      );
    } finally {
      taken.close();
    }
  });
});

/** Sum of the samples of `name` whose labels contain `labelFilter` (undefined when none). */
function sample(text: string, name: string, labelFilter = ''): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name || !(match[2] ?? '').includes(labelFilter)) continue;
    total = (total ?? 0) + Number(match[3]);
  }
  return total;
}
