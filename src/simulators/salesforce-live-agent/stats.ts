// Counters for assertions and for the bench/chaos reports. A correct client keeps
// maxConcurrentPollsPerSession at 1 and conflicts409 / expiredSessions at 0.
import type { SimSession } from './sim-session';

export interface SimulatorCounters {
  sessionsCreated: number;
  requests: number;
  pollsServed: number;
  maxConcurrentPollsPerSession: number;
  conflicts409: number;
  expiredSessions: number;
  failovers: number;
  reconnects: number;
  /** ChasitorResyncState refused because the reconnect's transcript replay had not been served yet. */
  resyncsBeforeReplay: number;
  duplicatePostsDropped: number;
  chasitorMessagesAccepted: number;
  agentMessagesQueued: number;
  status503Sent: number;
  faultsInjected: number;
}

export interface SimulatorStats extends SimulatorCounters {
  sessionsOpen: number;
  /** Largest gap between one poll ending and the next starting, over all sessions (ms). */
  maxPollGapMs: number;
}

export function newCounters(): SimulatorCounters {
  return {
    sessionsCreated: 0,
    requests: 0,
    pollsServed: 0,
    maxConcurrentPollsPerSession: 0,
    conflicts409: 0,
    expiredSessions: 0,
    failovers: 0,
    reconnects: 0,
    resyncsBeforeReplay: 0,
    duplicatePostsDropped: 0,
    chasitorMessagesAccepted: 0,
    agentMessagesQueued: 0,
    status503Sent: 0,
    faultsInjected: 0,
  };
}

/**
 * Gaps already closed count for every session; the gap still running counts only for sessions whose chat
 * is live (a client rightly stops polling after ChatEnded, and that silence is no gap).
 */
export function maxPollGapMs(sessions: readonly SimSession[], now: number): number {
  let max = 0;
  for (const s of sessions) {
    max = Math.max(max, s.maxPollGapMs);
    if (!s.closed && !s.chatOver) max = Math.max(max, s.idleMs(now));
  }
  return max;
}

export function buildStats(
  counters: SimulatorCounters,
  sessions: readonly SimSession[],
  now: number,
): SimulatorStats {
  return {
    ...counters,
    sessionsOpen: sessions.filter((s) => !s.closed).length,
    maxPollGapMs: maxPollGapMs(sessions, now),
  };
}
