// The simulator's state and the lifecycle rules that several handlers share: session creation, expiry,
// close, failover, reconnect and the 409 conflict. Handlers and the control API work through this.
import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import { EventLog, type LiveAgentSimulatorEventMap } from './events';
import { FaultInjector } from './faults';
import { newAffinityToken } from './ids';
import { chasitorSessionData } from './message-builders';
import { seededRandom, type Random } from './random';
import { SessionStore } from './session-store';
import type { LiveAgentSimulatorSettings } from './settings';
import type { EndReason, SimSession } from './sim-session';
import { newCounters, type SimulatorCounters } from './stats';

export const SESSION_INVALID_TEXT = 'Session required but was invalid or not found';
export const INVALID_AFFINITY_TEXT = 'Invalid Affinity Token';

export class SimulatorCore {
  readonly store = new SessionStore();
  readonly counters: SimulatorCounters = newCounters();
  readonly emitter = new EventEmitter<LiveAgentSimulatorEventMap>();
  readonly log: EventLog;
  readonly random: Random;
  readonly faults: FaultInjector;
  failoverRate: number;
  /** `http://host:port`, known once the server listens. */
  origin = '';
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly anyListeners = new Set<() => void>();

  constructor(readonly settings: LiveAgentSimulatorSettings) {
    this.log = new EventLog(settings.eventLogLimit);
    this.random = seededRandom(settings.seed ?? randomInt(2 ** 31));
    this.faults = new FaultInjector(settings.faultRates, settings.chaosLatencyMs, this.random);
    this.failoverRate = settings.failoverRate;
    // Tests attach listeners freely; the default cap of 10 only produces noise here.
    this.emitter.setMaxListeners(0);
  }

  now(): number {
    return Date.now();
  }

  /** Called after every event, whatever its name (waitFor re-checks its probe on each). */
  onAny(listener: () => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<K extends keyof LiveAgentSimulatorEventMap>(name: K, ...args: LiveAgentSimulatorEventMap[K]): void {
    this.log.push(name, args, this.now());
    for (const listener of [...this.anyListeners]) listener();
    // A throwing test listener must not break the server's bookkeeping.
    try {
      (this.emitter.emit as (n: K, ...a: LiveAgentSimulatorEventMap[K]) => boolean)(name, ...args);
    } catch (error) {
      console.error(`live-agent simulator: a '${String(name)}' listener threw`, error);
    }
  }

  /** A timer that `dispose` clears, so `close()` leaves nothing running. */
  schedule(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  createSession(): SimSession {
    const session = this.store.create(this.now(), this.settings.queuePosition);
    this.counters.sessionsCreated += 1;
    this.emit('sessionCreated', session.id);
    return session;
  }

  /** Expire the session if no poll has been open for longer than the session timeout. */
  checkExpiry(session: SimSession, now = this.now()): boolean {
    if (session.closed || session.openPoll) return false;
    if (now - session.lastPollEndedAt <= this.settings.sessionTimeoutMs) return false;
    // A client rightly stops polling once the chat is over; only a live chat counts as expired.
    if (!session.chatOver) {
      // The gap that killed the session is the one stats must show.
      session.maxPollGapMs = Math.max(session.maxPollGapMs, now - session.lastPollEndedAt);
      this.counters.expiredSessions += 1;
      this.emit('sessionExpired', session.id);
    }
    this.closeSession(session, 'expired');
    return true;
  }

  sweepExpired(): void {
    const now = this.now();
    for (const session of this.store.open()) this.checkExpiry(session, now);
  }

  /** From now on every request for this session gets 403; an open poll is answered now. */
  closeSession(session: SimSession, reason: EndReason, pollStatus = 403): void {
    if (session.closed) return;
    session.closed = true;
    if (!session.chatOver) {
      session.endReason = reason;
      session.endedAt = this.now();
    }
    const text = pollStatus === 409 ? 'Conflict' : SESSION_INVALID_TEXT;
    session.openPoll?.settle({ kind: 'status', status: pollStatus, text });
    this.emit('chatEnded', session.id, session.endReason ?? reason, true);
  }

  /** Queue the chat's last message (ChatEnded / ChatRequestFail); the session closes once it is acked. */
  endWithFinalMessage(session: SimSession, reason: EndReason, type: string, message: unknown): number {
    const number = session.enqueue(type, message);
    session.finalMessageNumber = number;
    session.endReason = reason;
    session.endedAt = this.now();
    this.emit('chatEnded', session.id, reason, false);
    return number;
  }

  /** Rotate the affinity token: the open poll and every later request with the old token get 503. */
  failover(session: SimSession): void {
    if (session.closed) return;
    session.affinity = newAffinityToken(session.affinity);
    session.awaitingReconnect = true;
    this.counters.failovers += 1;
    session.openPoll?.settle({ kind: 'status', status: 503, text: INVALID_AFFINITY_TEXT });
    this.emit('failover', session.id);
  }

  /** ReconnectSession: the sequence restarts and the next poll starts with ChasitorSessionData. */
  reconnect(session: SimSession, offset: number): void {
    session.awaitingReconnect = false;
    session.seqSeenByServer = 0;
    session.reconnects.push({ at: this.now(), offset });
    this.counters.reconnects += 1;
    if (session.initialized) {
      session.enqueueFirst('ChasitorSessionData', chasitorSessionData(session));
      session.replayUnserved = true;
    }
    this.emit('reconnected', session.id, offset);
  }

  /** A second poll while one is open: both get 409 and the chat is over (docs/protocols/salesforce-live-agent.md §1.6). */
  conflict(session: SimSession): void {
    this.counters.conflicts409 += 1;
    this.counters.maxConcurrentPollsPerSession = Math.max(this.counters.maxConcurrentPollsPerSession, 2);
    this.emit('conflict', session.id);
    this.closeSession(session, 'conflict409', 409);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Open polls end when the server drops their connections, as a crashed server's would.
    this.log.releaseAll();
  }
}
