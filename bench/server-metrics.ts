// What the dev server and the worker report about themselves, differenced over a window: heartbeats
// that reach the frontend and the mutable-state writes behind them (which history lengths do not
// show), how long those writes take, and how long tasks wait before a worker picks them up.
import { meanBetween, scrape, total, type Sample } from './prometheus';

export interface MetricsSnapshot {
  at: number;
  server: Sample[];
  /** Empty when the worker exposes no metrics endpoint. */
  worker: Sample[];
}

export interface WindowMetrics {
  heartbeats: number;
  /** UpdateWorkflowExecution calls by the history service: one persistence write each. */
  executionWrites: number;
  /** Mean latency of those writes, ms. */
  writeLatencyMs: number;
  /** All persistence calls of the dev server per second, and the time they took per second of wall
   * time (%): near or over 100 %, the one SQLite file is the queue every task waits in. */
  persistenceCallsPerSec: number;
  persistenceBusyPercent: number;
  /** Mean schedule-to-start of workflow and activity tasks as the worker saw them, ms (NaN if unknown). */
  workflowTaskScheduleToStartMs: number;
  activityScheduleToStartMs: number;
}

export async function snapshotMetrics(
  serverUrl: string,
  workerUrl: string | undefined,
): Promise<MetricsSnapshot> {
  const [server, worker] = await Promise.all([
    scrape(serverUrl),
    workerUrl ? scrape(workerUrl).catch(() => []) : Promise.resolve([]),
  ]);
  return { at: Date.now(), server, worker };
}

const ns = { namespace: 'default' };

export function windowMetrics(a: MetricsSnapshot, b: MetricsSnapshot): WindowMetrics {
  const wallMs = Math.max(1, b.at - a.at);
  const hb = { ...ns, operation: 'RecordActivityTaskHeartbeat', service_name: 'frontend' };
  const write = { ...ns, operation: 'UpdateWorkflowExecution', service_name: 'history' };
  return {
    heartbeats: total(b.server, 'service_requests', hb) - total(a.server, 'service_requests', hb),
    executionWrites:
      total(b.server, 'persistence_requests', write) - total(a.server, 'persistence_requests', write),
    // The server's timers are in seconds.
    writeLatencyMs: meanBetween(a.server, b.server, 'persistence_latency', write) * 1000,
    persistenceCallsPerSec: round1(
      ((total(b.server, 'persistence_latency_count') - total(a.server, 'persistence_latency_count')) * 1000) /
        wallMs,
    ),
    persistenceBusyPercent: round1(
      ((total(b.server, 'persistence_latency_sum') - total(a.server, 'persistence_latency_sum')) *
        1000 *
        100) /
        wallMs,
    ),
    workflowTaskScheduleToStartMs: workerMean(a, b, 'temporal_workflow_task_schedule_to_start_latency'),
    activityScheduleToStartMs: workerMean(a, b, 'temporal_activity_schedule_to_start_latency'),
  };
}

/** The SDK reports durations in ms, or in seconds under names ending in _seconds. */
function workerMean(a: MetricsSnapshot, b: MetricsSnapshot, name: string): number {
  const ms = meanBetween(a.worker, b.worker, name);
  if (!Number.isNaN(ms)) return ms;
  return meanBetween(a.worker, b.worker, `${name}_seconds`) * 1000;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
