// The result: the one-line JSON the Targets name (from the largest step held), and the full record
// (every step, for the plot) saved under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchArgs } from './bench-args';
import type { BusySessionFigures } from './busy-session';
import type { StepResult } from './capacity-ramp';
import type { MachineInfo } from './machine-info';
import { round } from './percentiles';
import type { RelayAudit } from './relay-ledger';

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
  // Beyond the required fields: what the figures above rest on.
  conflicts409: number;
  /** Least-squares slope of worker RSS against sessions over the held steps: the marginal cost. */
  workerRssKbPerSessionSlope: number;
  workerHeapKbPerSession: number;
  idleHeartbeatsPerSessionHour: number;
  idleServerWritesPerSessionHour: number;
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
  result: BenchLine;
  audit: RelayAudit;
  busySession: BusySessionFigures;
  steps: StepResult[];
}

export function buildLine(input: {
  args: BenchArgs;
  steps: StepResult[];
  audit: RelayAudit;
  busy: BusySessionFigures;
  expired: number;
  conflicts409: number;
}): BenchLine {
  const { args, steps, audit, busy } = input;
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
    conflicts409: input.conflicts409,
    workerRssKbPerSessionSlope: round(slope(held.map((s) => [s.sessions, s.workerRssKb] as const))),
    workerHeapKbPerSession: at?.workerHeapKbPerSession ?? nan,
    idleHeartbeatsPerSessionHour: at?.idle.heartbeatsPerSessionHour ?? nan,
    idleServerWritesPerSessionHour: at?.idle.executionWritesPerSessionHour ?? nan,
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
