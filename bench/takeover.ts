// The takeover phase, after the ramp: a second worker joins the task queue, the worker whose hub holds
// the sessions is SIGKILLed mid-poll (a crash: no drain, sockets closed by the kernel), and the
// survivor takes every session over through the lease: the dead hub's lease activity stops
// heartbeating, times out on the server (defaultHubHeartbeatTimeoutMs after its last recorded
// heartbeat), and its lease workflow tells each session to attach elsewhere. Meanwhile a few agent and customer messages are
// sent, so the relay audit covers the takeover. The simulator's own record of the longest time any
// session had no poll open (stats().maxPollGapMs) is the figure; the bench also times each fleet
// session's gap itself from the poll events, and checks 409s and expiries stay at 0.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BenchEnv, BenchWorker } from './bench-env';
import { round, summarize, type LatencySummary } from './percentiles';
import { progress, sleep } from './progress';
import { total, scrape } from './prometheus';
import type { RelayLedger } from './relay-ledger';
import type { SessionFleet } from './session-fleet';
import { metricNames } from '../src/metrics/metric-names';
import { defaultHubHeartbeatTimeoutMs, hubHeartbeatThrottleMs } from '../src/hub/hub-lease';
import { readLeases } from './hub-leases';
import { formatTimeline, timelineSince, type TimelineStep } from './takeover-timeline';

export interface TakeoverFigures {
  sessions: number;
  /** Connections each worker's hub reported holding (chat_bridge_open_polls) just before the kill. */
  heldBeforeKill: Record<string, number>;
  killed: string;
  survivor: string;
  survivorStartSec: number;
  /** SIGKILL → every session polling again under the survivor; NaN if some never came back. */
  rehomedSec: number;
  /** Sessions with no poll open (or none opened since the kill) when the phase gave up waiting. */
  sessionsNotBack: number;
  /** stats().maxPollGapMs before the kill and after the takeover (the simulator keeps a running max). */
  maxPollGapMsBefore: number;
  maxPollGapMs: number;
  /** The same gap timed by the bench from pollClosed/pollOpened, over the fleet sessions only. */
  fleetGapMs: LatencySummary;
  conflicts409: number;
  expired: number;
  /** Agent messages sent while no poll was open, kill → webhook. */
  agentLatency: LatencySummary;
  customerSent: number;
  /** From the server's histories, seconds after the SIGKILL: the dead hub's lease workflow, and one
   * session that had no message during the phase. */
  leaseTimeline: TimelineStep[];
  sessionTimeline: TimelineStep[];
}

export async function runTakeover(
  env: BenchEnv,
  fleet: SessionFleet,
  ledger: RelayLedger,
  messages: number,
): Promise<TakeoverFigures> {
  const t0 = performance.now();
  const second = await env.startSecondWorker();
  const survivorStartSec = round((performance.now() - t0) / 1000);
  progress(`takeover: second worker pid ${second.pid} ready after ${survivorStartSec} s (log ${second.log})`);
  const workers = [env.first, second];
  // The hubs' gauges (sampled every 5 s; the new worker's may not have reported yet). The first worker
  // holds every session — the second joined after every attach — unless its gauge says otherwise.
  const held = await openPollsByWorker(workers);
  const victim = (held[second.name] ?? 0) > (held[env.first.name] ?? 0) ? second : env.first;
  const survivor = workers.find((w) => w !== victim)!;

  const sessions = [...fleet.sessions, ...fleet.extraSessions].filter((s) => s.vendorId !== undefined);
  const vendorIds = new Set(sessions.map((s) => s.vendorId!));
  const gaps = new GapClock(vendorIds);
  const offClosed = onSim(env, 'pollClosed', (id) => gaps.closed(id));
  const offOpened = onSim(env, 'pollOpened', (id) => gaps.opened(id));
  const before = env.sim.stats();

  progress(
    `takeover: SIGKILL ${victim.name} (pid ${victim.pid}, hub holding ${held[victim.name] ?? '?'} connections; ` +
      `lease heartbeat timeout ${defaultHubHeartbeatTimeoutMs} ms, a heartbeat recorded every ${hubHeartbeatThrottleMs} ms); ` +
      `${survivor.name} (${held[survivor.name] ?? '?'}) must take ${vendorIds.size} sessions over through the lease`,
  );
  const killedAt = performance.now();
  const killedAtEpochMs = Date.now();
  gaps.start(killedAt);
  await victim.proc.kill();

  // Messages both ways while nobody polls: agent messages wait at the vendor, sends run on the survivor.
  const agentLatency: number[] = [];
  const agentTexts = new Set<string>();
  const offDelivery = env.sink.onDelivery((d) => {
    const event = d.body.event.event;
    if (event.kind === 'messageReceived' && agentTexts.delete(event.text)) agentLatency.push(d.at - killedAt);
  });
  const sendCalls: Array<Promise<unknown>> = [];
  const picks = sessions.slice(0, Math.min(messages, sessions.length));
  for (const s of picks) {
    const text = `bench-takeover-in:${randomUUID()}`;
    agentTexts.add(text);
    ledger.agentMessage(text);
    env.sim.sendAgentMessage(s.vendorId!, text);
    if (s.sending) continue;
    const id = randomUUID();
    const out = `bench-takeover-out:${id}`;
    ledger.customerMessage(out, s.vendorId!);
    s.sending = true;
    sendCalls.push(
      env.chat
        .send(s.workflowId, { clientMessageId: id, text: out })
        .catch((err: unknown) => ledger.sendFailed(err))
        .finally(() => {
          s.sending = false;
        }),
    );
  }

  // Back: every session has opened a poll since the kill and has one open now.
  const deadline = Date.now() + 90_000 + 10 * vendorIds.size;
  let backAt = Number.NaN;
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    const open = new Set(
      env.sim
        .sessions()
        .filter((s) => s.pollOpen && vendorIds.has(s.id))
        .map((s) => s.id),
    );
    const back = [...vendorIds].filter((id) => open.has(id) && gaps.reopened(id)).length;
    if (back === vendorIds.size) {
      backAt = gaps.lastReopenAt();
      break;
    }
    if (Date.now() - lastReport > 10_000) {
      progress(`takeover: ${back}/${vendorIds.size} sessions polling again`);
      lastReport = Date.now();
    }
    await sleep(250);
  }
  const notBack = [...vendorIds].filter((id) => !gaps.reopened(id)).length;
  await Promise.race([Promise.allSettled(sendCalls), sleep(30_000)]);
  await sleep(2_000);
  offDelivery();
  offClosed();
  offOpened();
  const after = env.sim.stats();
  const leases = await readLeases(env.client).catch(() => new Map());
  const victimLease = [...leases.keys()].find((id) => id.includes(`${env.runId}-${victim.name}`));
  const timeline = (id: string | undefined) =>
    id ? timelineSince(env.client, id, killedAtEpochMs).catch(() => []) : Promise.resolve([]);
  const leaseTimeline = await timeline(victimLease);
  // A session the phase sent nothing on: what most sessions went through.
  const quiet = sessions[picks.length] ?? sessions[0];
  const sessionTimeline = await timeline(quiet?.workflowId);
  const figures: TakeoverFigures = {
    sessions: vendorIds.size,
    heldBeforeKill: held,
    killed: victim.name,
    survivor: survivor.name,
    survivorStartSec,
    rehomedSec: round((backAt - killedAt) / 1000),
    sessionsNotBack: notBack,
    maxPollGapMsBefore: before.maxPollGapMs,
    maxPollGapMs: after.maxPollGapMs,
    fleetGapMs: summarize(gaps.gaps()),
    conflicts409: after.conflicts409 - before.conflicts409,
    expired: after.expiredSessions - before.expiredSessions,
    agentLatency: summarize(agentLatency),
    customerSent: sendCalls.length,
    leaseTimeline,
    sessionTimeline,
  };
  progress(
    `takeover: ${notBack === 0 ? `every session polling again ${figures.rehomedSec} s after the SIGKILL` : `${notBack} of ${vendorIds.size} sessions NOT polling again`}; ` +
      `poll gap per session p50/p99/max ${figures.fleetGapMs.p50}/${figures.fleetGapMs.p99}/${figures.fleetGapMs.max} ms; ` +
      `simulator max poll gap ${before.maxPollGapMs} → ${after.maxPollGapMs} ms; 409s ${figures.conflicts409}, expired ${figures.expired}; ` +
      `agent messages sent during the gap reached the webhook after p50/max ${figures.agentLatency.p50}/${figures.agentLatency.max} ms ` +
      `(${agentLatency.length}/${picks.length})`,
  );
  progress(`takeover: dead hub's lease workflow: ${formatTimeline(leaseTimeline) || '(no history)'}`);
  progress(`takeover: session ${quiet?.customerId}: ${formatTimeline(sessionTimeline) || '(no history)'}`);
  return figures;
}

/** chat_bridge_open_polls of each worker, as its metrics endpoint reports it (-1 when unreadable). */
async function openPollsByWorker(workers: BenchWorker[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const w of workers) {
    out[w.name] = await scrape(w.metricsUrl).then(
      (samples) => total(samples, metricNames.openPolls),
      () => -1,
    );
  }
  return out;
}

function onSim(env: BenchEnv, event: 'pollClosed' | 'pollOpened', fn: (id: string) => void): () => void {
  if (event === 'pollClosed') {
    const listener = (id: string) => fn(id);
    env.sim.on('pollClosed', listener);
    return () => env.sim.off('pollClosed', listener);
  }
  const listener = (id: string) => fn(id);
  env.sim.on('pollOpened', listener);
  return () => env.sim.off('pollOpened', listener);
}

/** Per session: when its poll closed (or the kill, if it was open then) until the next poll opened. */
class GapClock {
  private readonly closedAt = new Map<string, number>();
  private readonly reopenedAt = new Map<string, number>();
  private readonly measured: number[] = [];
  private startedAt = Number.NaN;

  constructor(private readonly ids: Set<string>) {}

  start(at: number): void {
    this.startedAt = at;
  }

  closed(id: string): void {
    if (!this.ids.has(id) || Number.isNaN(this.startedAt)) return;
    if (!this.reopenedAt.has(id)) this.closedAt.set(id, performance.now());
  }

  opened(id: string): void {
    if (!this.ids.has(id) || Number.isNaN(this.startedAt) || this.reopenedAt.has(id)) return;
    const now = performance.now();
    this.reopenedAt.set(id, now);
    this.measured.push(now - (this.closedAt.get(id) ?? this.startedAt));
  }

  reopened(id: string): boolean {
    return this.reopenedAt.has(id);
  }

  lastReopenAt(): number {
    return Math.max(...this.reopenedAt.values());
  }

  gaps(): number[] {
    return this.measured;
  }
}
