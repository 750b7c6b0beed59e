// Command line: `npm run bench -- [--quick] [--sessions N] [--duration S] [--rate R] [--steps a,b,c]`
// plus knobs for profiling experiments: [--workflow-cache N] [--activity-slots N]
// [--server-config KEY=VALUE]... (dev server dynamic config, e.g. system.enableActivityEagerExecution=true).
import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  /** Ramp steps, ascending; the last is --sessions. */
  steps: number[];
  /** Hold per step, seconds. */
  durationSec: number;
  /** Part of each hold with no message load, for idle history, CPU and write figures. */
  idleWindowSec: number;
  /** Messages per second per direction during the load part of a hold; 0 = by session count. */
  rate: number;
  /** Sessions of the bare poll-and-forward loop (the inbound floor). */
  baselineSessions: number;
  /** Simulator long-poll hold and session timeout, ms. */
  holdMs: number;
  sessionTimeoutMs: number;
  /** Worker settings; undefined = sized from the top step. */
  workflowCache?: number;
  activitySlots?: number;
  /** Extra `--dynamic-config-value` pairs for the dev server. */
  serverConfig: string[];
  /** Total time the run must fit in (--quick: 170 s of its 3-minute promise), else unbounded. */
  budgetSec?: number;
}

const ladder = [50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000];

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      sessions: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      steps: { type: 'string' },
      'baseline-sessions': { type: 'string' },
      'hold-ms': { type: 'string' },
      'session-timeout-ms': { type: 'string' },
      'workflow-cache': { type: 'string' },
      'activity-slots': { type: 'string' },
      'server-config': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const sessions = positive('--sessions', values.sessions, quick ? 100 : 1_000);
  const durationSec = positive('--duration', values.duration, quick ? 30 : 600);
  const steps = values.steps
    ? values.steps.split(',').map((s) => positive('--steps', s, 0))
    : [...ladder.filter((n) => n < sessions), sessions];
  return {
    quick,
    steps: [...new Set(steps)].sort((a, b) => a - b),
    durationSec,
    // A third of the hold, between 10 s and 2 min: long enough to catch heartbeats and stray events.
    idleWindowSec: Math.min(120, Math.max(10, Math.round(durationSec / 3))),
    rate: values.rate === undefined ? 0 : Number(values.rate),
    baselineSessions: positive('--baseline-sessions', values['baseline-sessions'], 10),
    holdMs: positive('--hold-ms', values['hold-ms'], 30_000),
    sessionTimeoutMs: positive('--session-timeout-ms', values['session-timeout-ms'], 45_000),
    ...(values['workflow-cache']
      ? { workflowCache: positive('--workflow-cache', values['workflow-cache'], 0) }
      : {}),
    ...(values['activity-slots']
      ? { activitySlots: positive('--activity-slots', values['activity-slots'], 0) }
      : {}),
    serverConfig: values['server-config'] ?? [],
    ...(quick ? { budgetSec: 170 } : {}),
  };
}

/** Light load: about one message per session-minute each way, at least 5/s for the percentiles, at most 10/s. */
export function messageRate(args: BenchArgs, sessions: number): number {
  return args.rate > 0 ? args.rate : Math.min(10, Math.max(5, sessions / 60));
}

function positive(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${raw}`);
  return n;
}
