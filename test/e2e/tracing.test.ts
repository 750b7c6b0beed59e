// OpenTelemetry tracing end to end: a backend's ChatSessions calls, the worker process's workflow and
// activity spans, and the bridge's own vendor and webhook HTTP spans land in one trace at an OTLP
// receiver, with no message text or credential in what was exported.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { ChatSessions } from '../../src/client';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { localWorkerEnv } from '../../src/runtime/local-worker-env';
import { WorkerProcess } from '../../src/runtime/worker-process';
import { startTracing, tracingClientInterceptors, type Tracing } from '../../src/tracing';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import { eventually, sessionInput, testWebhookSecret, uniqueCustomer } from '../helpers/bridge-harness';
import { fastSimSettings, onlySessionId } from '../helpers/live-agent-fixture';
import { OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { useCleanup, useDevServer } from '../helpers/suite-hooks';
import { workflowBundle } from '../helpers/workflow-bundle';

const workerService = 'chat-bridge-worker-under-test';
const backendService = 'chat-backend-under-test';
const spanKindClient = 3;

describe('tracing: OpenTelemetry from the backend through the worker to the vendor (dev server)', function () {
  this.timeout(120_000);
  const env = useDevServer();
  const cleanup = useCleanup();

  it('puts a session start, a customer message, a failover and a delivery into one connected trace', async () => {
    const otlp = await OtlpReceiver.start();
    cleanup(() => otlp.close());
    const sim = await LiveAgentSimulator.start(fastSimSettings);
    cleanup(() => sim.close());
    const webhook = await WebhookReceiver.start(testWebhookSecret);
    cleanup(() => webhook.close());
    const taskQueue = `tracing-${randomUUID()}`;
    const worker = await WorkerProcess.start({
      env: {
        ...localWorkerEnv({
          temporalAddress: env().address,
          liveAgentUrl: sim.url,
          taskQueue,
          webhookSecret: testWebhookSecret,
        }),
        METRICS_BIND_ADDRESS: 'off',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_SERVICE_NAME: workerService,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    cleanup(() => worker.stop());
    // The backend side: this process traces too, as a channel backend using ChatSessions would.
    const tracing: Tracing = startTracing({
      exporter: 'otlp',
      serviceName: backendService,
      otlpTracesUrl: `${otlp.endpoint}/v1/traces`,
    });
    cleanup(() => tracing.shutdown());
    const client = new Client({ connection: env().connection, interceptors: tracingClientInterceptors() });
    const sessions = new ChatSessions(client, { taskQueue });

    const customerText = `trace-secret-${randomUUID()}`;
    const agentText = `agent-trace-secret-${randomUUID()}`;
    const key = uniqueCustomer('trace');
    const handle = await sessions.startOrGet(key, sessionInput(key, webhook.url));
    const vendorId = await onlySessionId(sim);
    const affinityBefore = sim.session(vendorId).affinityToken;
    sim.accept(vendorId, { agentName: 'Ada' });
    await eventually(async () => ((await sessions.state(key)).status === 'chatting' ? true : undefined));
    await sessions.send(key, { clientMessageId: 'c1', text: customerText });
    sim.failover(vendorId);
    await eventually(async () => ((await sessions.state(key)).handovers === 1 ? true : undefined));
    const affinityAfter = sim.session(vendorId).affinityToken;
    sim.sendAgentMessage(vendorId, agentText);
    await webhook.waitFor((w) =>
      w.uniqueEvents().some((e) => e.event.kind === 'messageReceived' && e.event.text === agentText),
    );
    sim.endChat(vendorId);
    await handle.result();
    await tracing.flush();

    // The workflow's own span ends with the workflow and leaves the sandbox through the sink.
    const run = await eventually(() => otlp.named('RunWorkflow:chatSession')[0]);
    const start = one(otlp.named('StartWorkflow:chatSession'));
    assert.equal(start.service, backendService);
    assert.equal(run.service, workerService);
    assert.equal(run.traceId, start.traceId, 'the workflow run continues the trace the backend started');
    assert.ok(otlp.ancestors(run).includes(start), 'RunWorkflow descends from StartWorkflow');
    const traceId = start.traceId;

    // Opening the chat: the activity's span holds the vendor requests it made.
    const openVendorSpans = await eventually(() => {
      const spans = otlp.named('POST Chasitor/ChasitorInit');
      return spans.length > 0 ? spans : undefined;
    });
    const init = openVendorSpans[0]!;
    assert.equal(init.kind, spanKindClient);
    assert.equal(init.attributes['http.response.status_code'], 200);
    assert.equal(init.attributes['chat.provider'], 'salesforce-live-agent');
    assertChain(otlp, init, [
      'RunActivity:openSession',
      'StartActivity:openSession',
      'RunWorkflow:chatSession',
    ]);
    assert.equal(init.traceId, traceId);

    // The customer's message: the vendor request runs in the session's send lane, and the backend's
    // update span lasts until the vendor accepted the message (that is when sendMessage resolves).
    const chatMessage = one(otlp.named('POST Chasitor/ChatMessage'));
    assert.equal(chatMessage.attributes['http.response.status_code'], 200);
    assertChain(otlp, chatMessage, [
      'RunActivity:sendToVendor',
      'StartActivity:sendToVendor',
      'RunWorkflow:chatSession',
    ]);
    const handleUpdate = one(otlp.named('HandleUpdate:sendMessage'));
    assertChain(otlp, handleUpdate, ['StartWorkflowUpdate:sendMessage']);
    assert.equal(otlp.ancestors(handleUpdate)[0]!.service, backendService);
    assert.ok(handleUpdate.endMs >= chatMessage.endMs, 'the update resolved after the vendor answered');

    // The failover: the poll's 503 is an error span typed as an operator reads it in the Web UI, and
    // the reconnect runs in the same trace as the session.
    const poll503 = await eventually(() =>
      otlp.spans.find(
        (s) => s.name === 'GET System/Messages' && s.attributes['http.response.status_code'] === 503,
      ),
    );
    assert.equal(poll503.statusCode, 2, 'a 503 marks the span as an error');
    assert.equal(poll503.attributes['error.type'], 'VendorHandoverRequired');
    assert.equal(poll503.traceId, traceId);
    const handoverSignal = await eventually(() => otlp.named('SignalWorkflow:handover')[0]);
    assert.ok(
      otlp.ancestors(handoverSignal).some((s) => s.name === 'RunActivity:attachConnection'),
      'the hub connection that saw the 503 signalled the handover, in the trace of its attach',
    );
    const reconnect = await eventually(() => otlp.named('GET System/ReconnectSession')[0]);
    assertChain(otlp, reconnect, ['RunActivity:reconnectSession', 'StartActivity:reconnectSession']);
    assert.equal(reconnect.traceId, traceId);

    // Delivery: the webhook POST is a span, and the receiver got its trace context to continue it.
    const delivered = webhook.deliveries.find(
      (d) => d.body.event.event.kind === 'messageReceived' && d.body.event.event.text === agentText,
    );
    assert.ok(delivered?.traceparent, 'the webhook request carried a traceparent header');
    const [, headerTraceId, headerSpanId] = delivered.traceparent.split('-');
    const post = await eventually(() =>
      otlp.spans.find((s) => s.name === 'POST webhook' && s.spanId === headerSpanId),
    );
    assert.equal(headerTraceId, traceId);
    assert.equal(post.attributes['chat.event.id'], delivered.idempotencyKey);
    // The hub delivers as soon as the vendor answers, in the trace of the attach that holds the connection.
    assertChain(otlp, post, ['RunActivity:attachConnection', 'StartActivity:attachConnection']);

    // Nothing secret was exported: no message text or affinity token. (The vendor's session id is a
    // correlation id, exported with the search attributes on purpose, like the customer id.)
    const exported = otlp.rawBodies.join('\n');
    for (const secret of [customerText, agentText, affinityBefore, affinityAfter]) {
      assert.ok(!exported.includes(secret), `exported spans contain a secret (${secret.slice(0, 8)}…)`);
    }

    // Tracing can be turned off again: the traced session's history replays on an untraced worker.
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle() },
      await handle.fetchHistory(),
      'traced session',
    );
  });
});

function one(spans: ReceivedSpan[]): ReceivedSpan {
  assert.equal(spans.length, 1, `expected one span, got ${spans.map((s) => s.name).join(', ') || 'none'}`);
  return spans[0]!;
}

/** `span`'s nearest ancestors are named `names`, in order. */
function assertChain(otlp: OtlpReceiver, span: ReceivedSpan, names: string[]): void {
  const actual = otlp
    .ancestors(span)
    .slice(0, names.length)
    .map((s) => s.name);
  assert.deepEqual(actual, names, `ancestors of ${span.name}`);
}
