// `npm run bench -- --vendor huawei-cc-gateway [--quick] [--agents N] [--duration S] [--mode push|poll]`:
// agent presences on the session core. One bridge worker holds N agents signed in to the strict
// CC-Gateway simulator with the gateway's own timings (a handshake every 30 s, signed out after 120 s of
// silence, the GUID rotating every 60 s); figures: unintended sign-outs, heartbeat lateness (each gap
// between two heartbeats the gateway saw, less the 30 s interval) and every heartbeat it missed, server
// writes and history events per idle agent-hour, gateway requests per idle agent-hour, worker memory per
// agent, gateway-event → webhook latency, and a SIGKILL takeover of every agent by a second worker. Push
// callbacks reach the workers through a fan-out, as through a load balancer. The LAST stdout line is JSON.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { AgentPresences, presenceWorkflowId } from '../src/client';
import { freePort } from '../src/runtime/free-port';
import { localWorkerEnv } from '../src/runtime/local-worker-env';
import { WorkerProcess } from '../src/runtime/worker-process';
import { GatewaySimulator } from '../src/simulators/huawei-cc-gateway/gateway-simulator';
import { PushFanout } from '../src/simulators/huawei-cc-gateway/push-fanout';
import type { SimAgent } from '../src/simulators/huawei-cc-gateway/sim-agent';
import { sampledHistoryLength, VendorBenchFrame } from './vendor-bench-frame';
import { round, summarize } from './percentiles';
import { readProcUsage, sampleRss } from './proc-usage';
import { progress, runPool, sleep, waitUntil } from './progress';
import { snapshotMetrics, windowMetrics } from './server-metrics';
import { WebhookSink } from './webhook-sink';

const hour = 3_600_000;
const password = 'bench-secret';
/** The gateway's own tolerance for a late handshake in the target: within 32 s of the last. */
const latenessBudgetMs = 2_000;

/** What the webhook got per presence: event index → idempotency keys and the gateway event type. */
type Relayed = Map<number, { keys: Set<string>; type: string | null }>;

export async function runHuaweiBench(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      vendor: { type: 'string' },
      quick: { type: 'boolean', default: false },
      agents: { type: 'string' },
      duration: { type: 'string' },
      mode: { type: 'string' },
      'handshake-ms': { type: 'string' },
      'sign-out-after-ms': { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const agentCount = Number(values.agents ?? (quick ? 100 : 1_000));
  const idleSec = Number(values.duration ?? (quick ? 90 : 300));
  const mode = values.mode ?? 'push';
  if (mode !== 'push' && mode !== 'poll') throw new Error(`--mode: push or poll, got ${mode}`);
  const handshakeMs = Number(values['handshake-ms'] ?? 30_000);
  const signOutAfterMs = Number(values['sign-out-after-ms'] ?? 120_000);
  const frame = new VendorBenchFrame();
  const { machine } = frame;
  progress(
    `${machine.cores} × ${machine.cpuModel}; huawei-cc-gateway: ${agentCount} agents in ${mode} mode, ` +
      `handshake every ${handshakeMs} ms, signed out after ${signOutAfterMs} ms, idle window ${idleSec} s`,
  );
  try {
    const { server, metricsUrl } = await frame.startServer();
    const sim = await GatewaySimulator.start({
      heartbeatTimeoutMs: signOutAfterMs,
      handshakeEveryMs: handshakeMs,
    });
    frame.onClose(() => sim.close());
    const fanout = await PushFanout.start();
    frame.onClose(() => fanout.close());
    const secret = randomUUID();
    const sink = await WebhookSink.start(secret);
    frame.onClose(() => sink.close());
    const relayed = new Map<string, Relayed>();
    sink.onDelivery((d) => {
      const { sessionId, event } = d.body;
      const byIndex = relayed.get(sessionId) ?? new Map();
      relayed.set(sessionId, byIndex);
      const entry = byIndex.get(event.index) ?? { keys: new Set<string>(), type: null };
      entry.keys.add(d.idempotencyKey);
      entry.type = event.event.kind === 'agentEvent' ? event.event.eventType : null;
      byIndex.set(event.index, entry);
    });

    const runId = `huawei-bench-${Date.now().toString(36)}`;
    const taskQueue = `${runId}-bridge`;
    const env = {
      ...localWorkerEnv({
        temporalAddress: server.address,
        liveAgentUrl: 'http://127.0.0.1:9/unused/',
        taskQueue,
        webhookSecret: secret,
      }),
      CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway',
      HUAWEI_GATEWAY_URL: sim.baseUrl,
      HUAWEI_AGENT_PASSWORD: password,
      HUAWEI_HANDSHAKE_INTERVAL_MS: String(handshakeMs),
      HUAWEI_SIGN_OUT_AFTER_MS: String(signOutAfterMs),
      HUAWEI_PUSH_CALLBACK_URL: fanout.url,
      WORKER_MAX_CACHED_WORKFLOWS: String(Math.max(2_000, agentCount + 200)),
      METRICS_BIND_ADDRESS: 'off',
    };
    const startWorker = async (name: string) => {
      const pushPort = await freePort();
      const proc = await WorkerProcess.start({
        env: { ...env, WORKER_IDENTITY: `${runId}-${name}`, HUAWEI_PUSH_PORT: String(pushPort) },
      });
      frame.onClose(() => proc.kill());
      fanout.upstreams.push(`http://127.0.0.1:${pushPort}/huawei/push`);
      return proc;
    };
    const first = await startWorker('first');
    const firstPid = first.pid!;
    const connection = await Connection.connect({ address: server.address });
    frame.onClose(() => connection.close());
    const client = new Client({ connection });
    const presences = new AgentPresences(client, { taskQueue });
    const signIn = (agentId: string) =>
      presences.startOrGet(
        { gateway: 'bench', agentId },
        { phonenum: '70001', mode, skills: ['11', '12'], webhookUrl: sink.url('bridge') },
      );
    // The baseline: the worker with its workflow bundle loaded and one agent signed in (not counted).
    const warmup = sim.addAgent('100000', password);
    await signIn('100000');
    await waitUntil('the warm-up agent', () => warmup.signedIn, 60_000);
    await sleep(3_000);
    const rssBefore = (await sampleRss(firstPid, 2_000)).minKb;

    const ids = Array.from({ length: agentCount }, (_, i) => String(100_001 + i));
    const agents: SimAgent[] = ids.map((id) => sim.addAgent(id, password));
    const signedInAt = performance.now();
    await runPool(ids, 16, async (id) => void (await signIn(id)));
    const announced = (id: string) =>
      [...(relayed.get(presenceWorkflowId({ gateway: 'bench', agentId: id }))?.values() ?? [])].some(
        (e) => e.type === 'AgentState_Ready',
      );
    await waitUntil('every agent signed in and announced', () => ids.every(announced), 15 * 60_000);
    progress(`${agentCount} agents signed in in ${round((performance.now() - signedInAt) / 1000)} s`);

    // Idle window: nothing but handshakes (push) or held polls (poll) and the GUID rotating.
    await sleep(handshakeMs + 2_000);
    const sample = ids
      .slice(0, Math.min(20, agentCount))
      .map((agentId) => presenceWorkflowId({ gateway: 'bench', agentId }));
    const historyLength = () => sampledHistoryLength(client, sample);
    const gapsBefore = agents.map((a) => a.heartbeatGapsMs.length);
    const requestsBefore = sim.stats().requests;
    const rotationsBefore = sim.stats().guidRotations;
    const historyBefore = await historyLength();
    const metricsBefore = await snapshotMetrics(metricsUrl, undefined);
    const cpuBefore = readProcUsage(firstPid);
    const idleStart = performance.now();
    await sleep(idleSec * 1000);
    const idleMs = performance.now() - idleStart;
    const metricsAfter = await snapshotMetrics(metricsUrl, undefined);
    const cpuAfter = readProcUsage(firstPid);
    const requests = sim.stats().requests - requestsBefore;
    const rotations = sim.stats().guidRotations - rotationsBefore;
    const historyAfter = await historyLength();
    const writes = windowMetrics(metricsBefore, metricsAfter);
    const rssIdle = (await sampleRss(firstPid, 3_000)).minKb;
    const idleGaps = agents.flatMap((a, i) => a.heartbeatGapsMs.slice(gapsBefore[i]));
    const perAgentHour = (n: number, per = agentCount) => round((n / per) * (hour / idleMs), 2);
    const lateness = summarize(idleGaps.map((g) => Math.max(0, g - handshakeMs)));
    const idle = {
      heartbeatsSeen: idleGaps.length,
      heartbeatLatenessP50Ms: lateness.p50,
      heartbeatLatenessP99Ms: lateness.p99,
      heartbeatLatenessMaxMs: lateness.max,
      lateHeartbeats: idleGaps.filter((g) => g > handshakeMs + latenessBudgetMs).length,
      missedHeartbeats: idleGaps.reduce((n, g) => n + Math.max(0, Math.round(g / handshakeMs) - 1), 0),
      guidRotations: rotations,
      idleServerWritesPerAgentHour: perAgentHour(writes.executionWrites),
      idleEventsPerAgentHour: perAgentHour(historyAfter - historyBefore, sample.length),
      gatewayRequestsPerIdleAgentHour: perAgentHour(requests),
      workerRssKbPerAgent: round((rssIdle - rssBefore) / agentCount),
      workerCpuMsPerAgentHour: perAgentHour(cpuAfter.cpuMs - cpuBefore.cpuMs),
    };
    progress(`idle: ${JSON.stringify(idle)}`);

    // Gateway events → webhook, one call at a time on random agents.
    const calls = quick ? 20 : 60;
    const eventLatency: number[] = [];
    for (let i = 0; i < calls; i++) {
      const agentId = ids[Math.floor(Math.random() * ids.length)]!;
      const callid = `${runId}-call-${i}`;
      const at = performance.now();
      const arrived = new Promise<number>((resolve) => {
        const off = sink.onDelivery((d) => {
          const e = d.body.event.event;
          if (e.kind !== 'agentEvent' || e.eventType !== 'AgentEvent_Call_Release' || e.content !== callid)
            return;
          off();
          resolve(d.at);
        });
      });
      sim.callArrives(agentId, callid);
      sim.callReleased(agentId, callid);
      eventLatency.push((await arrived) - at);
    }

    // Takeover: a second worker joins, the first is SIGKILLed; every agent's heartbeat must resume in time.
    progress('takeover: a second worker joins, the first is SIGKILLed');
    await startWorker('second');
    await sleep(5_000);
    const killedAt = performance.now();
    await first.kill();
    const killedWall = Date.now();
    await waitUntil(
      'every agent heartbeating from the surviving worker',
      () => agents.every((a) => a.lastHeartbeatAt > killedWall),
      signOutAfterMs * 2,
    ).catch(() => progress('some agents did not heartbeat again'));
    const takeoverSec = round((performance.now() - killedAt) / 1000);

    // Every event the gateway issued reached the webhook once, in order (same types, same order).
    await waitUntil(
      'every issued event at the webhook',
      () => agents.every((a, i) => agentEventsOf(relayed, ids[i]!).length >= a.issued.length),
      60_000,
    ).catch(() => progress('some events did not arrive'));
    let lost = 0;
    let duplicated = 0;
    for (const [i, agent] of agents.entries()) {
      const got = agentEventsOf(relayed, ids[i]!);
      const issued = agent.issued.map((e) => e.eventType);
      lost += issued.filter((type, k) => got[k] !== type).length;
      duplicated += Math.max(0, got.length - issued.length);
      for (const entry of relayed.get(presenceWorkflowId({ gateway: 'bench', agentId: ids[i]! }))?.values() ??
        []) {
        if (entry.keys.size > 1) duplicated += 1;
      }
    }
    const stats = sim.stats();
    const maxGapAll = Math.max(0, ...agents.flatMap((a) => a.heartbeatGapsMs));
    const latency = summarize(eventLatency);
    const line = {
      vendor: 'huawei-cc-gateway',
      mode,
      agents: agentCount,
      handshakeIntervalMs: handshakeMs,
      signOutAfterMs,
      unintendedSignOuts: agents.reduce((n, a) => n + a.signOuts.length, 0),
      heartbeatSignOuts: stats.heartbeatSignOuts,
      staleGuidRefusals: stats.staleGuidRefusals,
      lost,
      duplicated,
      ...idle,
      eventToWebhookP50Ms: latency.p50,
      eventToWebhookP99Ms: latency.p99,
      maxHeartbeatGapMs: maxGapAll,
      takeoverSec,
      pushesDelivered: stats.pushesDelivered,
      pushesFailed: stats.pushesFailed,
      gatewayRequests: stats.requests,
      idleWindowSec: idleSec,
      quick,
    };
    frame.save('huawei-cc-gateway', argv, line);
    return line;
  } finally {
    await frame.close();
  }
}

/** The gateway event types the webhook got for one agent, in event-index order. */
function agentEventsOf(relayed: Map<string, Relayed>, agentId: string): string[] {
  const byIndex = relayed.get(presenceWorkflowId({ gateway: 'bench', agentId }));
  if (!byIndex) return [];
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, e]) => (e.type === null ? [] : [e.type]));
}
