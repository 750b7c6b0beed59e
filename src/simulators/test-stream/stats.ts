// Counters for assertions and reports. A correct client keeps maxConcurrentStreamsPerSession at 1,
// conflicts409 and expired at 0, and maxStreamGapMs well under the silence limit.
import type { SimSession } from './sim-session';

export interface SimulatorCounters {
  /** Sessions created. */
  sessions: number;
  requests: number;
  streamsOpened: number;
  maxConcurrentStreamsPerSession: number;
  conflicts409: number;
  /** Live sessions that passed the silence limit. */
  expired: number;
  tokenRotations: number;
  resumes: number;
  customerMessages: number;
  duplicateMessagesIgnored: number;
  agentEvents: number;
  faults5xxSent: number;
  malformedFramesSent: number;
}

export interface SimulatorStats extends SimulatorCounters {
  /** Sessions neither ended nor expired. */
  sessionsLive: number;
  /** Largest time without an open stream on a live session, over all sessions (ms). */
  maxStreamGapMs: number;
}

export function newCounters(): SimulatorCounters {
  return {
    sessions: 0,
    requests: 0,
    streamsOpened: 0,
    maxConcurrentStreamsPerSession: 0,
    conflicts409: 0,
    expired: 0,
    tokenRotations: 0,
    resumes: 0,
    customerMessages: 0,
    duplicateMessagesIgnored: 0,
    agentEvents: 0,
    faults5xxSent: 0,
    malformedFramesSent: 0,
  };
}

const live = (s: SimSession) => !s.ended && !s.gone;

export function buildStats(
  counters: SimulatorCounters,
  sessions: readonly SimSession[],
  now: number,
): SimulatorStats {
  let maxStreamGapMs = 0;
  for (const s of sessions) {
    maxStreamGapMs = Math.max(maxStreamGapMs, s.maxStreamGapMs);
    // The silence still running counts only while the chat is live: after the end it is no gap.
    if (live(s)) maxStreamGapMs = Math.max(maxStreamGapMs, s.silentFor(now));
  }
  return { ...counters, sessionsLive: sessions.filter(live).length, maxStreamGapMs };
}
