// The simulator's state and the lifecycle rules several handlers and the agent side share: creating a
// session, appending events (written at once to the open stream), ending, rotating the token, expiry.
import type { CreateSessionBody } from '../../providers/test-stream/wire-schemas';
import { FaultState } from './faults';
import { newSessionId, newToken } from './ids';
import { SessionStore } from './session-store';
import type { TestStreamSimulatorSettings } from './settings';
import { SimSession, type EndReason, type StoredEvent } from './sim-session';
import type { SimStream } from './sim-stream';
import { eventFrame } from './sse-frames';
import { newCounters, type SimulatorCounters } from './stats';

export class SimulatorCore {
  readonly store = new SessionStore();
  readonly counters: SimulatorCounters = newCounters();
  readonly faults = new FaultState();
  /** `http://host:port`, known once the server listens. */
  origin = '';
  private readonly anyListeners = new Set<() => void>();

  constructor(readonly settings: TestStreamSimulatorSettings) {}

  now(): number {
    return Date.now();
  }

  /** Called after every state change (waitFor re-checks its probe on each). */
  onChange(listener: () => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  changed(): void {
    for (const listener of [...this.anyListeners]) listener();
  }

  createSession(body: CreateSessionBody): SimSession {
    const session = new SimSession(
      newSessionId(),
      newToken(),
      body.customerId,
      body.visitorName,
      body.routing,
      this.now(),
    );
    this.store.add(session);
    this.counters.sessions += 1;
    if (this.settings.queuePosition !== null)
      this.append(session, 'queue', { position: this.settings.queuePosition });
    return session;
  }

  /** Stores an event and writes it to the open stream, if any. */
  append(session: SimSession, type: string, data: unknown): StoredEvent {
    const event = session.append(type, data);
    this.counters.agentEvents += 1;
    for (const stream of session.streams) this.writeEvent(stream, event);
    this.changed();
    return event;
  }

  writeEvent(stream: SimStream, event: StoredEvent): void {
    const data = JSON.stringify(event.data);
    const broken = this.faults.takeMalformed(data);
    if (broken !== undefined) this.counters.malformedFramesSent += 1;
    stream.write(eventFrame({ id: event.id, type: event.type, data: broken ?? data }));
  }

  /** Appends `ended {reason}` and closes the open streams after it. */
  endSession(session: SimSession, reason: EndReason): void {
    if (session.ended || session.gone) return;
    const event = this.append(session, 'ended', { reason });
    session.endReason = reason;
    session.endedAt = this.now();
    session.endedEventId = event.id;
    session.noteGap(this.now());
    for (const stream of [...session.streams]) this.closeStream(session, stream);
    this.changed();
  }

  /** The handover: goaway on the open streams, which close; the old token only buys the new one now. */
  rotateToken(session: SimSession, reason: string): string {
    session.retiredTokens.add(session.token);
    session.token = newToken();
    session.rotations += 1;
    this.counters.tokenRotations += 1;
    for (const stream of [...session.streams]) {
      stream.write(eventFrame({ type: 'goaway', data: JSON.stringify({ reason }) }));
      this.closeStream(session, stream);
    }
    this.changed();
    return session.token;
  }

  openStream(session: SimSession, stream: SimStream): void {
    session.streamOpened(stream, this.now());
    this.counters.streamsOpened += 1;
    this.noteConcurrent(session.streams.size);
    this.changed();
  }

  /** The server ends a stream: the session stops counting it at once, not when the socket closes. */
  closeStream(session: SimSession, stream: SimStream): void {
    stream.end();
    this.streamClosed(session, stream);
  }

  streamClosed(session: SimSession, stream: SimStream): void {
    session.streamClosed(stream, this.now());
    this.changed();
  }

  noteConcurrent(streams: number): void {
    this.counters.maxConcurrentStreamsPerSession = Math.max(
      this.counters.maxConcurrentStreamsPerSession,
      streams,
    );
  }

  /** A live session silent past the limit expires; an ended one is forgotten (not counted as expiry). */
  checkExpiry(session: SimSession): void {
    if (session.gone) return;
    const now = this.now();
    if (session.silentFor(now) <= this.settings.silenceLimitMs) return;
    if (session.ended) {
      session.purged = true;
    } else {
      session.noteGap(now);
      session.expired = true;
      session.endReason = 'expired';
      session.endedAt = now;
      this.counters.expired += 1;
    }
    this.changed();
  }

  sweepExpired(): void {
    for (const session of this.store.all()) this.checkExpiry(session);
  }

  dispose(): void {
    for (const session of this.store.all()) {
      for (const stream of session.streams) stream.destroy();
      session.streams.clear();
    }
    this.anyListeners.clear();
  }
}
