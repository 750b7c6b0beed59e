// The agent presence story of the demo (Huawei CC-Gateway): agent 1001 is signed in with two skills in
// push mode and kept signed in while a chat reaches it, it rests, the worker holding it is SIGKILLed
// right after a GUID rotation, and the gateway fails over; then the caller signs it out. Every gateway
// event is shown as it reaches the webhook. Returns 1 if an event was lost, doubled or out of order, or
// the gateway signed the agent out for silence or refused a stale GUID.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { AgentPresences, presenceWorkflowId } from '../client';
import { clientDataConverter } from '../codec';
import { freePort } from '../runtime/free-port';
import { localWorkerEnv } from '../runtime/local-worker-env';
import { WorkerProcess } from '../runtime/worker-process';
import type { BridgeEvent } from '../shared/events';
import { GatewaySimulator } from '../simulators/huawei-cc-gateway/gateway-simulator';
import { WebhookReceiver } from '../webhooks/webhook-receiver';
import { step, waitUntil, type DemoPlatform } from './demo-platform';

const password = 'agent-secret';
/** Demo timings: a handshake every 5 s and a sign-out after 45 s of silence (the gateway's are 30 s / 120 s). */
const handshakeMs = 5_000;
const signOutAfterMs = 45_000;

function describeEvent(event: BridgeEvent): string {
  switch (event.kind) {
    case 'agentSignedIn':
      return `agentSignedIn ${event.agentId} skills ${event.skills.join(';')} (${event.mode}${event.healed ? ', healed' : ''}${event.forced ? ', forced' : ''})`;
    case 'agentSignedOut':
      return `agentSignedOut ${event.agentId}: ${event.reason}`;
    case 'agentEvent':
      return `agentEvent ${event.eventType}${event.state ? ` → ${event.state}` : ''}`;
    default:
      return event.kind;
  }
}

export async function runPresenceStory(platform: DemoPlatform): Promise<number> {
  step('CC-Gateway simulator and the webhook');
  const sim = await GatewaySimulator.start({
    pollHoldMs: 10_000,
    heartbeatTimeoutMs: signOutAfterMs,
    handshakeEveryMs: handshakeMs,
    guidIntervalMs: 10_000,
    guidGraceMs: 60_000,
  });
  const agentId = '1001';
  const agent = sim.addAgent(agentId, password);
  const webhook = await WebhookReceiver.start(platform.webhookSecret);
  console.log(
    `  gateway   ${sim.baseUrl} (control API ${sim.controlUrl}); GUID rotates every 10 s\n  webhook   ${webhook.url}`,
  );

  // One fixed push port: the replacement worker listens where the gateway already pushes.
  const pushPort = await freePort();
  const workerEnv = {
    ...localWorkerEnv({
      temporalAddress: platform.server.address,
      liveAgentUrl: 'http://127.0.0.1:9/unused/',
      taskQueue: 'chat-bridge-demo',
      webhookSecret: platform.webhookSecret,
    }),
    CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway',
    HUAWEI_GATEWAY_URL: sim.baseUrl,
    HUAWEI_AGENT_PASSWORD: password,
    HUAWEI_HANDSHAKE_INTERVAL_MS: String(handshakeMs),
    HUAWEI_SIGN_OUT_AFTER_MS: String(signOutAfterMs),
    HUAWEI_PUSH_PORT: String(pushPort),
    PAYLOAD_ENCRYPTION_KEYS: platform.payloadKeys,
  };
  const workerLog = path.join(platform.demoDir, 'worker.log');
  step('bridge worker #1');
  let worker = await WorkerProcess.start({ env: workerEnv, logFile: workerLog });
  console.log(`  pid ${worker.pid} (log ${workerLog})`);

  const connection = await Connection.connect({ address: platform.server.address });
  const presences = new AgentPresences(
    new Client({
      connection,
      ...(platform.payloadKeys ? { dataConverter: clientDataConverter(platform.payloadKeys) } : {}),
    }),
    { taskQueue: 'chat-bridge-demo' },
  );
  const key = { gateway: 'demo', agentId };
  let shown = 0;
  const showNew = () => {
    const unique = webhook.uniqueEvents();
    for (const { event } of unique.slice(shown)) console.log(`  webhook ← ${describeEvent(event)}`);
    shown = unique.length;
  };
  const relayed = (kind: BridgeEvent['kind'], test: (e: BridgeEvent) => boolean = () => true) =>
    webhook.uniqueEvents().some((e) => e.event.kind === kind && test(e.event));
  const relayedAgentEvent = (type: string) =>
    relayed('agentEvent', (e) => e.kind === 'agentEvent' && e.eventType === type);

  step(`agent ${agentId} signs in, push mode, skills 11 and 12 (workflow ${presenceWorkflowId(key)})`);
  const handle = await presences.startOrGet(key, {
    phonenum: '70001',
    mode: 'push',
    skills: ['11', '12'],
    webhookUrl: webhook.url,
  });
  await waitUntil('ready', async () => (await presences.state(key)).presence?.state === 'ready');
  await waitUntil('AgentState_Ready at the webhook', () => relayedAgentEvent('AgentState_Ready'));
  showNew();

  step('a chat reaches the agent, who answers it and releases it');
  sim.callArrives(agentId, 'chat-1', 53);
  sim.callReleased(agentId, 'chat-1');
  await waitUntil('the release at the webhook', () => relayedAgentEvent('AgentEvent_Call_Release'));
  showNew();

  step('the agent rests, then is ready again');
  await presences.setState(key, 'rest');
  await presences.setState(key, 'ready');
  await waitUntil('ready again at the webhook', () => relayedAgentEvent('AgentState_CancelRest_Success'));
  showNew();

  step('the worker is SIGKILLed right after the gateway rotated the GUID, and a new one starts');
  const rotations = sim.stats().guidRotations;
  await waitUntil('a GUID rotation', () => sim.stats().guidRotations > rotations);
  await worker.kill();
  const killedAt = Date.now();
  console.log('  worker #1 killed');
  worker = await WorkerProcess.start({ env: workerEnv, logFile: workerLog });
  console.log(`  worker #2 started (pid ${worker.pid})`);
  await waitUntil('a handshake from worker #2', () => agent.lastHeartbeatAt > killedAt, signOutAfterMs);
  console.log(`  handshakes again ${agent.lastHeartbeatAt - killedAt} ms after the SIGKILL`);
  sim.callArrives(agentId, 'chat-2', 53);
  sim.callReleased(agentId, 'chat-2');
  await waitUntil('the second release at the webhook', () =>
    webhook
      .uniqueEvents()
      .some(
        (e) =>
          e.event.kind === 'agentEvent' &&
          e.event.eventType === 'AgentEvent_Call_Release' &&
          JSON.stringify(e.event.content).includes('chat-2'),
      ),
  );
  showNew();

  step('the gateway fails over and loses every signed-in agent; the presence signs the agent in again');
  sim.failover();
  await waitUntil('the healed sign-in', () =>
    relayed('agentSignedIn', (e) => e.kind === 'agentSignedIn' && e.healed),
  );
  await waitUntil('ready after the heal', async () => (await presences.state(key)).presence?.signIns === 2);
  // What the gateway issued so far, the caller must have had: the same types, in the same order.
  const issued = agent.issued.map((e) => e.eventType);
  await waitUntil(
    'every issued event at the webhook',
    () => agentEventTypes(webhook).length >= issued.length,
  );
  showNew();

  step('the caller signs the agent out');
  await presences.signOut(key);
  const result = await handle.result();
  showNew();
  await worker.stop();

  const relayedTypes = agentEventTypes(webhook);
  const unique = webhook.uniqueEvents();
  const outOfOrder = unique.filter((e, i) => e.index !== i).length;
  const missing = issued.filter((type, i) => relayedTypes[i] !== type).length;
  const extra = Math.max(0, relayedTypes.length - issued.length);
  const stats = sim.stats();
  const history = await handle.fetchHistory();
  console.log(
    `\nTemporal Web UI: ${platform.server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(presenceWorkflowId(key))}`,
  );
  console.log(
    `History events of the presence: ${history.events?.length ?? 0}; gateway: ${stats.guidRotations} GUID rotations, ` +
      `${stats.pushesDelivered} pushes, longest heartbeat gap ${stats.maxHeartbeatGapMs} ms, ` +
      `${stats.staleGuidRefusals} stale-GUID refusals, ${stats.heartbeatSignOuts} sign-outs for silence`,
  );
  const failed =
    missing + extra + outOfOrder + stats.staleGuidRefusals + stats.heartbeatSignOuts > 0 ||
    agent.signIns !== 2 ||
    result.endReason !== 'client';
  console.log(
    `\nsummary: agent events relayed ${relayedTypes.length} of ${issued.length} issued, sign-ins ${agent.signIns} ` +
      `(1 + 1 healed after the failover), worker restarts 1, lost ${missing}, duplicated ${extra}, ` +
      `out of order ${outOfOrder}, sign-outs for silence ${stats.heartbeatSignOuts} — ${failed ? 'FAILED' : 'OK'}`,
  );
  await connection.close();
  await webhook.close();
  await sim.close();
  return failed ? 1 : 0;
}

function agentEventTypes(webhook: WebhookReceiver): string[] {
  return webhook.uniqueEvents().flatMap((e) => (e.event.kind === 'agentEvent' ? [e.event.eventType] : []));
}
