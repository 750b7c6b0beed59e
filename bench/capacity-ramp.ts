// The capacity ramp. Each step grows the bridge fleet, then holds it for --duration: first an idle
// window (history growth of the sessions and of the hub leases, the hubs' recorded heartbeats, worker
// CPU and RSS), then the light message load (latencies, side by side with their floors). A step is
// held when, at its end, the simulator has seen no expiry and no 409 and every fleet session is still
// open. Ramping stops at the first step that is not held.
import { performance } from 'node:perf_hooks';
import { messageRate, type BenchArgs } from './bench-args';
import type { BenchEnv } from './bench-env';
import { boxLoad, type BoxLoad } from './machine-info';
import { readHistories, spreadSample } from './history-probe';
import { hubsThrough, leaseEventsBetween, readLeases } from './hub-leases';
import { emptySamples, streams, type InboundPart, type MessageLoad, type Stream } from './message-load';
import { ratio, round, summarize, type LatencySummary } from './percentiles';
import { cpuPercent, cpuSnapshot, probeHeap, readProcUsage, sampleRss, type HeapReading } from './proc-usage';
import { elapsedMs, progress, sleep, waitUntil } from './progress';
import { snapshotMetrics, windowMetrics, type WindowMetrics } from './server-metrics';
import type { SessionFleet } from './session-fleet';

export interface IdleFigures {
  windowSec: number;
  /** Sessions whose histories were read. */
  historySample: number;
  /** Sessions open during the window (the ramp's, plus the busy session): what hub costs are amortised over. */
  sessionsHeld: number;
  /** History events of the session workflows (from the sample). */
  eventsPerSessionHour: number;
  /** Hub lease heartbeats recorded by the server (RecordActivityTaskHeartbeat at the frontend), amortised. */
  heartbeatsPerSessionHour: number;
  /** History events of the hubs' lease workflows, amortised. */
  leaseEventsPerSessionHour: number;
  /** Hub lease workflows running through the window, and their cost per hub-hour (one recorded heartbeat
   * per hubHeartbeatThrottleMs: 1,200 an hour at 3 s). */
  hubs: number;
  heartbeatsPerHubHour: number;
  leaseEventsPerHubHour: number;
  /** Server writes per idle session-hour: session history events + lease events + recorded heartbeats. */
  serverWritesPerSessionHour: number;
  /** Mutable-state writes (UpdateWorkflowExecution) the history service made, as persistence counts them. */
  executionWritesPerSessionHour: number;
  cpuMsPerSessionHour: number;
  /** Worker RSS over the window: its low point, and its high point. */
  workerRssMinKb: number;
  workerRssMaxKb: number;
  /** Event types added during the window, summed over the sample. */
  eventTypes: Record<string, number>;
  cpuPercent: { worker: number; server: number; bench: number };
  metrics: WindowMetrics;
}

export interface StepResult {
  sessions: number;
  held: boolean;
  rampSec: number;
  holdSec: number;
  ratePerSec: number;
  expired: number;
  conflicts409: number;
  /** Fleet sessions the simulator reports closed or ended. */
  sessionsGone: number;
  /** Longest time any session had no poll open, over the whole run so far (the simulator keeps a running max). */
  maxPollGapMsSoFar: number;
  latency: Record<Stream, LatencySummary>;
  /** Agent → channel split: waiting for a poll to carry the message out, then the bridge's relay. */
  inboundParts: Record<InboundPart, LatencySummary>;
  skipped: Record<Stream, number>;
  errors: Record<Stream, number>;
  /** Timed messages that had not arrived when the step's samples were drained. */
  unresolved: number;
  inboundRatioP50: number;
  inboundRatioP99: number;
  outboundFloorP50Ms: number;
  outboundRatioP50: number;
  idle: IdleFigures;
  /** Worker RSS after a forced GC (the low point of the idle window if the probe did not answer). */
  workerRssKb: number;
  workerRssKbPerSession: number;
  /** V8 heap in use after a forced GC, and its growth per session over the baseline. */
  workerHeapUsedKb: number;
  workerHeapKbPerSession: number;
  /** Percent of one core per process during the load part of the hold (the box has two). */
  cpuPercentUnderLoad: { worker: number; server: number; bench: number };
  cpuPercentIdle: { worker: number; server: number; bench: number };
  loadMetrics: WindowMetrics;
  /** The box is shared: how busy it was at the end of the load window (all processes, not only ours). */
  boxLoad: BoxLoad;
}

const historySampleSize = 20;
const hour = 3_600_000;

export async function runCapacityRamp(
  env: BenchEnv,
  args: BenchArgs,
  fleet: SessionFleet,
  load: MessageLoad,
  baseline: HeapReading,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const target of args.steps) {
    const result = await runStep(env, args, fleet, load, target, baseline);
    results.push(result);
    if (!result.held) {
      progress(
        `step ${target}: NOT held (expired ${result.expired}, 409s ${result.conflicts409}, sessions gone ${result.sessionsGone}); ramp stops`,
      );
      break;
    }
  }
  return results;
}

async function runStep(
  env: BenchEnv,
  args: BenchArgs,
  fleet: SessionFleet,
  load: MessageLoad,
  target: number,
  baseline: HeapReading,
): Promise<StepResult> {
  const rampStarted = performance.now();
  progress(`step ${target}: starting ${target - fleet.sessions.length} sessions`);
  await fleet.grow(target, 60_000 + 100 * target);
  const rampSec = round((performance.now() - rampStarted) / 1000);
  progress(`step ${target}: ${target} sessions chatting after ${rampSec} s; holding ${args.durationSec} s`);
  // Idle means idle: every session back in its long poll, the last deliveries' tasks written.
  const vendorIds = new Set(fleet.sessions.map((s) => s.vendorId));
  await waitUntil(
    'every session to have a poll open',
    () => env.sim.sessions().filter((s) => vendorIds.has(s.id) && s.pollOpen).length === vendorIds.size,
    30_000 + 5 * target,
    1_000,
  ).catch((err: Error) => progress(`step ${target}: ${err.message}; measuring anyway`));
  await sleep(2_000);
  const holdStarted = performance.now();

  const idle = await measureIdle(env, args, fleet);
  const heap = await probeHeap(env.workerPid, env.heapProbeFile);
  const rssKb = heap?.rssKb ?? idle.workerRssMinKb;
  const workerRssKbPerSession = round((rssKb - baseline.rssKb) / target);
  const workerHeapKbPerSession = round(((heap?.heapUsedKb ?? Number.NaN) - baseline.heapUsedKb) / target);
  progress(
    `step ${target}: idle ${idle.windowSec} s: per session-hour ${idle.serverWritesPerSessionHour} server writes = ` +
      `${idle.eventsPerSessionHour} session history events + ${idle.leaseEventsPerSessionHour} lease events + ${idle.heartbeatsPerSessionHour} hub heartbeats ` +
      `(${idle.hubs} hub(s): ${idle.heartbeatsPerHubHour} heartbeats, ${idle.leaseEventsPerHubHour} lease events per hub-hour, over ${idle.sessionsHeld} sessions); ` +
      `${idle.executionWritesPerSessionHour} UpdateWorkflowExecution persistence writes per session-hour; ` +
      `worker ${idle.cpuMsPerSessionHour} CPU-ms per session-hour, RSS ${idle.workerRssMinKb}–${idle.workerRssMaxKb} KB; after GC RSS ${rssKb} KB, heap ${heap?.heapUsedKb ?? '?'} KB: ${workerRssKbPerSession} KB RSS, ${workerHeapKbPerSession} KB heap per session over the baseline; ` +
      `idle CPU worker ${idle.cpuPercent.worker}%, dev server ${idle.cpuPercent.server}%, bench ${idle.cpuPercent.bench}%; ` +
      `persistence ${idle.metrics.persistenceCallsPerSec} calls/s busy ${idle.metrics.persistenceBusyPercent}%` +
      (Object.keys(idle.eventTypes).length ? `; new events ${JSON.stringify(idle.eventTypes)}` : ''),
  );

  const rate = messageRate(args, target);
  const samples = emptySamples();
  let loadMs = Math.max(1_000, args.durationSec * 1000 - (performance.now() - holdStarted));
  if (args.budgetSec !== undefined) {
    // --quick promises a total time: leave ~15 s for draining and teardown, and the takeover phase's
    // ~45 s (a second worker starts, the first is SIGKILLed, its lease times out, re-homing).
    const left = args.budgetSec * 1000 - elapsedMs() - 60_000;
    if (left < loadMs) {
      loadMs = Math.max(5_000, left);
      progress(
        `step ${target}: load window cut to ${round(loadMs / 1000)} s to stay within the ${args.budgetSec} s budget`,
      );
    }
  }
  progress(`step ${target}: message load ${rate}/s per stream for ${round(loadMs / 1000)} s`);
  const metricsStart = await snapshotMetrics(env.metricsUrl, env.workerMetricsUrl);
  const loadStart = cpuSnapshot(env.workerPid, env.server.pid);
  await load.run(loadMs, rate, samples);
  const loadEnd = cpuSnapshot(env.workerPid, env.server.pid);
  const loadMetrics = windowMetrics(
    metricsStart,
    await snapshotMetrics(env.metricsUrl, env.workerMetricsUrl),
  );
  await waitUntil('in-flight messages', () => load.inFlight === 0, 15_000).catch(() => undefined);

  const stats = env.sim.stats();
  const sessionsGone = env.sim.sessions().filter((s) => vendorIds.has(s.id) && (s.closed || s.ended)).length;
  const latency = Object.fromEntries(streams.map((s) => [s, summarize(samples.samples[s])])) as Record<
    Stream,
    LatencySummary
  >;
  const outboundFloorP50Ms = round(latency.floorUpdate.p50 + latency.floorPost.p50);
  const result: StepResult = {
    sessions: target,
    held: stats.expiredSessions === 0 && stats.conflicts409 === 0 && sessionsGone === 0,
    rampSec,
    holdSec: round((performance.now() - holdStarted) / 1000),
    ratePerSec: rate,
    expired: stats.expiredSessions,
    conflicts409: stats.conflicts409,
    sessionsGone,
    maxPollGapMsSoFar: stats.maxPollGapMs,
    latency,
    inboundParts: {
      vendorWait: summarize(samples.inboundParts.vendorWait),
      bridgeRelay: summarize(samples.inboundParts.bridgeRelay),
    },
    skipped: samples.skipped,
    errors: samples.errors,
    unresolved: load.inFlight,
    inboundRatioP50: ratio(latency.inbound.p50, latency.baseline.p50),
    inboundRatioP99: ratio(latency.inbound.p99, latency.baseline.p99),
    outboundFloorP50Ms,
    outboundRatioP50: ratio(latency.outbound.p50, outboundFloorP50Ms),
    idle,
    workerRssKb: rssKb,
    workerRssKbPerSession,
    workerHeapUsedKb: heap?.heapUsedKb ?? Number.NaN,
    workerHeapKbPerSession,
    cpuPercentUnderLoad: cpuPercent(loadStart, loadEnd),
    cpuPercentIdle: idle.cpuPercent,
    loadMetrics,
    boxLoad: boxLoad(),
  };
  progress(
    `step ${target}: agent→channel p50/p99 ${latency.inbound.p50}/${latency.inbound.p99} ms ` +
      `(bare relay ${latency.baseline.p50}/${latency.baseline.p99} ms, ×${result.inboundRatioP50}/×${result.inboundRatioP99}); ` +
      `customer→vendor ${latency.outbound.p50}/${latency.outbound.p99} ms (floor ${latency.floorUpdate.p50} update + ` +
      `${latency.floorPost.p50} POST = ${outboundFloorP50Ms} ms, ×${result.outboundRatioP50}); ` +
      `n=${latency.inbound.count}/${latency.baseline.count}/${latency.outbound.count}/${latency.floorUpdate.count}/${latency.floorPost.count}; ` +
      `agent→channel split p50 vendor wait ${result.inboundParts.vendorWait.p50} + bridge relay ${result.inboundParts.bridgeRelay.p50} ms; ` +
      `CPU under load: worker ${result.cpuPercentUnderLoad.worker}%, dev server ${result.cpuPercentUnderLoad.server}%, bench ${result.cpuPercentUnderLoad.bench}%; ` +
      `server write ${round(loadMetrics.writeLatencyMs)} ms, persistence ${loadMetrics.persistenceCallsPerSec} calls/s busy ${loadMetrics.persistenceBusyPercent}%, task schedule-to-start workflow ${round(loadMetrics.workflowTaskScheduleToStartMs)} / ` +
      `activity ${round(loadMetrics.activityScheduleToStartMs)} ms; box load ${result.boxLoad.loadAvg1m}, CPU pressure ${result.boxLoad.cpuPressureSomeAvg60}%`,
  );
  progress(
    `step ${target}: ${result.held ? 'held' : 'NOT held'} (expired ${stats.expiredSessions}, 409s ${stats.conflicts409}, ` +
      `max poll gap so far ${stats.maxPollGapMs} ms, unresolved ${result.unresolved})`,
  );
  return result;
}

/** History, server and worker costs of the open sessions over the idle window. */
async function measureIdle(env: BenchEnv, args: BenchArgs, fleet: SessionFleet): Promise<IdleFigures> {
  const sessions = fleet.sessions.length + fleet.extras;
  const sample = spreadSample(
    fleet.sessions.map((s) => s.workflowId),
    historySampleSize,
  );
  const before = await readHistories(env.client, sample);
  const leasesBefore = await readLeases(env.client);
  const metricsBefore = await snapshotMetrics(env.metricsUrl, env.workerMetricsUrl);
  const procBefore = readProcUsage(env.workerPid);
  const cpuBefore = cpuSnapshot(env.workerPid, env.server.pid);
  const rss = await sampleRss(env.workerPid, args.idleWindowSec * 1000);
  const cpuAfter = cpuSnapshot(env.workerPid, env.server.pid);
  const procAfter = readProcUsage(env.workerPid);
  const metrics = windowMetrics(metricsBefore, await snapshotMetrics(env.metricsUrl, env.workerMetricsUrl));
  const after = await readHistories(env.client, sample);
  const leasesAfter = await readLeases(env.client);
  const leaseEvents = await leaseEventsBetween(env.client, leasesBefore, leasesAfter);
  const hubs = hubsThrough(leasesBefore, leasesAfter);
  const eventTypes: Record<string, number> = {};
  let added = 0;
  for (const [id, types] of after) {
    const fresh = types.slice(before.get(id)?.length ?? 0);
    added += fresh.length;
    for (const type of fresh) eventTypes[type] = (eventTypes[type] ?? 0) + 1;
  }
  const hours = (procAfter.at - procBefore.at) / hour;
  const sessionHours = sessions * hours;
  const sampleHours = sample.length * hours;
  const eventsPerSessionHour = added / sampleHours;
  // Idle, the only heartbeating activity is each hub's lease (holdConnections).
  const heartbeatsPerSessionHour = metrics.heartbeats / sessionHours;
  const leaseEventsPerSessionHour = leaseEvents / sessionHours;
  return {
    windowSec: round((procAfter.at - procBefore.at) / 1000),
    historySample: sample.length,
    sessionsHeld: sessions,
    eventsPerSessionHour: round(eventsPerSessionHour),
    heartbeatsPerSessionHour: round(heartbeatsPerSessionHour),
    leaseEventsPerSessionHour: round(leaseEventsPerSessionHour),
    hubs,
    heartbeatsPerHubHour: round(metrics.heartbeats / Math.max(1, hubs) / hours),
    leaseEventsPerHubHour: round(leaseEvents / Math.max(1, hubs) / hours),
    serverWritesPerSessionHour: round(
      eventsPerSessionHour + heartbeatsPerSessionHour + leaseEventsPerSessionHour,
      2,
    ),
    executionWritesPerSessionHour: round(metrics.executionWrites / sessionHours),
    cpuMsPerSessionHour: round((procAfter.cpuMs - procBefore.cpuMs) / sessionHours),
    workerRssMinKb: rss.minKb,
    workerRssMaxKb: rss.maxKb,
    eventTypes,
    cpuPercent: cpuPercent(cpuBefore, cpuAfter),
    metrics,
  };
}
