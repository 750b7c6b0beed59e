// The result: the one-line JSON the Targets name (from the largest step held, the memory floor and the
// takeover), and the full record (every step, for the plot) saved under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BareMemoryFigures } from './bare-memory';
import type { BenchArgs } from './bench-args';
import type { BusySessionFigures } from './busy-session';
import type { StepResult } from './capacity-ramp';
import type { MachineInfo } from './machine-info';
import { round } from './percentiles';
import type { RelayAudit } from './relay-ledger';
import type { TakeoverFigures } from './takeover';

export interface BenchLine {
  sessions: number;
  expired: number;
  lost: number;
  duplicated: number;
  inboundP50Ms: number;
  inboundP99Ms: number;
  inboundBaselineP50Ms: number;
  inboundBaselineP99Ms: number;
  inboundRatioP50: number;
  inboundRatioP99: number;
  outboundP50Ms: number;
  outboundP99Ms: number;
  outboundFloorP50Ms: number;
  outboundRatioP50: number;
  idleEventsPerSessionHour: number;
  eventsPerMessage: number;
  workerRssKbPerSession: number;
  workerCpuMsPerSessionHour: number;
  /** RSS per long poll of a bare undici loop holding as many polls as the top step, in its own process. */
  bareRssKbPerSession: number;
  /** workerRssKbPerSession / bareRssKbPerSession. */
  workerRssRatio: number;
  /** Longest time any session had no Live Agent poll open (simulator stats, running max over the run,
   * which ends with the takeover: the worker holding every session SIGKILLed, another takes over). */
  maxPollGapMs: number;
  // Beyond the required fields: what the figures above rest on.
  /** 409s over the whole run (the takeover included); must be 0. */
  conflicts409: number;
  /** Least-squares slope of worker RSS against sessions over the held steps: the marginal cost. */
  workerRssKbPerSessionSlope: number;
  workerHeapKbPerSession: number;
  /** Hub lease heartbeats the server recorded, amortised over the sessions held. */
  idleHeartbeatsPerSessionHour: number;
  /** Session history events + hub lease workflow events + recorded hub heartbeats, per idle session-hour. */
  idleServerWritesPerSessionHour: number;
  idleLeaseEventsPerSessionHour: number;
  /** UpdateWorkflowExecution persistence writes per idle session-hour, as the dev server counts them. */
  idleExecutionWritesPerSessionHour: number;
  /** SIGKILL of the worker holding every session → all polling again under the other worker. */
  takeoverRehomedSec: number;
  takeoverSessions: number;
  outboundFloorUpdateP50Ms: number;
  outboundFloorPostP50Ms: number;
  latencyStepSessions: number;
  stepsHeld: number[];
  durationSec: number;
  quick: boolean;
}

export interface BenchRecord {
  startedAt: string;
  command: string;
  args: BenchArgs;
  machine: MachineInfo;
  workerSettings: { maxConcurrentActivities: number; maxCachedWorkflows: number };
  sourceVersion: string;
  result: BenchLine;
  audit: RelayAudit;
  busySession: BusySessionFigures;
  bareMemory: BareMemoryFigures | undefined;
  takeover: TakeoverFigures | undefined;
  steps: StepResult[];
}

export function buildLine(input: {
  args: BenchArgs;
  steps: StepResult[];
  audit: RelayAudit;
  busy: BusySessionFigures;
  bare: BareMemoryFigures | undefined;
  takeover: TakeoverFigures | undefined;
  expired: number;
  conflicts409: number;
}): BenchLine {
  const { args, steps, audit, busy, bare, takeover } = input;
  const held = steps.filter((s) => s.held);
  // Latency and cost figures come from the largest step held (or the first step if none was).
  const at = held.at(-1) ?? steps[0];
  const nan = Number.NaN;
  return {
    sessions: held.at(-1)?.sessions ?? 0,
    expired: input.expired,
    lost: audit.lostAgent + audit.lostCustomer,
    duplicated: audit.duplicatedAgent + audit.duplicatedCustomer,
    inboundP50Ms: at?.latency.inbound.p50 ?? nan,
    inboundP99Ms: at?.latency.inbound.p99 ?? nan,
    inboundBaselineP50Ms: at?.latency.baseline.p50 ?? nan,
    inboundBaselineP99Ms: at?.latency.baseline.p99 ?? nan,
    inboundRatioP50: at?.inboundRatioP50 ?? nan,
    inboundRatioP99: at?.inboundRatioP99 ?? nan,
    outboundP50Ms: at?.latency.outbound.p50 ?? nan,
    outboundP99Ms: at?.latency.outbound.p99 ?? nan,
    outboundFloorP50Ms: at?.outboundFloorP50Ms ?? nan,
    outboundRatioP50: at?.outboundRatioP50 ?? nan,
    idleEventsPerSessionHour: at?.idle.eventsPerSessionHour ?? nan,
    eventsPerMessage: round(busy.eventsPerMessage, 2),
    workerRssKbPerSession: at?.workerRssKbPerSession ?? nan,
    workerCpuMsPerSessionHour: at?.idle.cpuMsPerSessionHour ?? nan,
    bareRssKbPerSession: bare?.rssKbPerSession ?? nan,
    workerRssRatio: round((at?.workerRssKbPerSession ?? nan) / (bare?.rssKbPerSession ?? nan), 2),
    maxPollGapMs: takeover?.maxPollGapMs ?? nan,
    conflicts409: input.conflicts409,
    workerRssKbPerSessionSlope: round(slope(held.map((s) => [s.sessions, s.workerRssKb] as const))),
    workerHeapKbPerSession: at?.workerHeapKbPerSession ?? nan,
    idleHeartbeatsPerSessionHour: at?.idle.heartbeatsPerSessionHour ?? nan,
    idleServerWritesPerSessionHour: at?.idle.serverWritesPerSessionHour ?? nan,
    idleLeaseEventsPerSessionHour: at?.idle.leaseEventsPerSessionHour ?? nan,
    idleExecutionWritesPerSessionHour: at?.idle.executionWritesPerSessionHour ?? nan,
    takeoverRehomedSec: takeover?.rehomedSec ?? nan,
    takeoverSessions: takeover?.sessions ?? 0,
    outboundFloorUpdateP50Ms: at?.latency.floorUpdate.p50 ?? nan,
    outboundFloorPostP50Ms: at?.latency.floorPost.p50 ?? nan,
    latencyStepSessions: at?.sessions ?? 0,
    stepsHeld: held.map((s) => s.sessions),
    durationSec: args.durationSec,
    quick: args.quick,
  };
}

export const resultsDir = path.resolve(__dirname, 'results');

/** Writes bench/results/<timestamp>.json; returns its path. */
export function saveRecord(record: BenchRecord): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${record.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx > 0 ? sxy / sxx : Number.NaN;
}
