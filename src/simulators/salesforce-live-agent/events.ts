// What the simulator reports as it happens: in-process listeners get typed callbacks, other processes
// read the same events from a bounded log through `GET /__control/events`.
import type { ChasitorInitRequest } from '../../providers/salesforce-live-agent/wire-schemas';
import type { EndReason } from './sim-session';

export interface LiveAgentSimulatorEventMap {
  sessionCreated: [sessionId: string];
  chasitorInit: [sessionId: string, body: ChasitorInitRequest];
  chasitorMessage: [sessionId: string, text: string, sequence: number];
  chasitorTyping: [sessionId: string, typing: boolean];
  chasitorSneakPeek: [sessionId: string, text: string];
  chasitorCustomEvent: [sessionId: string, type: string, data: string];
  duplicatePost: [sessionId: string, path: string, sequence: number];
  agentMessage: [sessionId: string, type: string, number: number];
  pollOpened: [sessionId: string, ack: number];
  /** `status` is what the poll was answered with; 0 when the client went away first. */
  pollClosed: [sessionId: string, status: number];
  failover: [sessionId: string];
  reconnected: [sessionId: string, offset: number];
  resynced: [sessionId: string];
  conflict: [sessionId: string];
  sessionExpired: [sessionId: string];
  /** The chat is over; `closed` is true once the session answers 403 to everything. */
  chatEnded: [sessionId: string, reason: EndReason, closed: boolean];
  fault: [path: string, kind: string];
}

export type LiveAgentSimulatorEventName = keyof LiveAgentSimulatorEventMap;

export interface LoggedEvent {
  id: number;
  at: number;
  name: LiveAgentSimulatorEventName;
  args: unknown[];
}

/** A bounded, id-ordered log with long-poll reads. */
export class EventLog {
  private entries: LoggedEvent[] = [];
  private nextId = 1;
  private waiters = new Set<() => void>();

  constructor(private readonly limit: number) {}

  push(name: LiveAgentSimulatorEventName, args: unknown[], at: number): void {
    this.entries.push({ id: this.nextId++, at, name, args });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    for (const wake of this.waiters) wake();
  }

  after(id: number): LoggedEvent[] {
    return this.entries.filter((e) => e.id > id);
  }

  /** Entries after `id`, waiting up to `waitMs` for the first one to appear. */
  async waitAfter(id: number, waitMs: number, signal?: AbortSignal): Promise<LoggedEvent[]> {
    const ready = this.after(id);
    if (ready.length > 0 || waitMs <= 0) return ready;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
    return this.after(id);
  }

  /** Release every waiting reader (on close). */
  releaseAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
