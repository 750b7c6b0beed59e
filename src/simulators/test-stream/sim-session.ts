// One session's state: its stored events (replayed from any Last-Event-ID), its tokens, what the
// customer sent, and the bookkeeping the strictness checks need (open streams, silence, gaps).
import type { SimStream } from './sim-stream';

export type EndReason = 'client' | 'agent' | 'conflict' | 'expired' | (string & {});

export interface StoredEvent {
  id: number;
  type: string;
  data: unknown;
}

export interface CustomerMessage {
  idempotencyKey: string;
  text: string;
  at: number;
}

export class SimSession {
  token: string;
  /** Tokens a rotation retired: they get 401 token_rotated, and can still buy the current one (resume). */
  readonly retiredTokens = new Set<string>();
  readonly events: StoredEvent[] = [];
  readonly streams = new Set<SimStream>();
  readonly customerMessages: CustomerMessage[] = [];
  readonly idempotencyKeys = new Set<string>();
  duplicateMessagesIgnored = 0;
  customerTyping = false;
  agent: { name: string; id: string } | undefined;

  endReason: EndReason | undefined;
  endedAt: number | undefined;
  /** The id of the `ended` event; replays from before it are still served. */
  endedEventId: number | undefined;
  /** The silence limit passed while the chat was live. */
  expired = false;
  /** An ended session nobody streamed from for the silence limit: forgotten (not an expiry). */
  purged = false;

  rotations = 0;
  resumes = 0;
  streamsOpened = 0;
  maxConcurrentStreams = 0;
  /** When the last stream closed (or the session was created): the silence clock. */
  lastStreamClosedAt: number;
  maxStreamGapMs = 0;

  constructor(
    readonly id: string,
    token: string,
    readonly customerId: string,
    readonly visitorName: string,
    readonly routing: Record<string, string> | undefined,
    readonly createdAt: number,
  ) {
    this.token = token;
    this.lastStreamClosedAt = createdAt;
  }

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Every call is a 404 from now on. */
  get gone(): boolean {
    return this.expired || this.purged;
  }

  /** Ids are 1, 2, 3, ...: the last id is the count. */
  get lastEventId(): number {
    return this.events.length;
  }

  append(type: string, data: unknown): StoredEvent {
    const event = { id: this.events.length + 1, type, data };
    this.events.push(event);
    return event;
  }

  eventsAfter(id: number): StoredEvent[] {
    return this.events.slice(id);
  }

  /** How long no stream has been open (0 while one is). */
  silentFor(now: number): number {
    return this.streams.size > 0 ? 0 : now - this.lastStreamClosedAt;
  }

  streamOpened(stream: SimStream, now: number): void {
    // Only a live chat's silence is a gap; a replay after the end is not closing one.
    if (this.streams.size === 0 && !this.ended) this.noteGap(now);
    this.streams.add(stream);
    this.streamsOpened += 1;
    this.maxConcurrentStreams = Math.max(this.maxConcurrentStreams, this.streams.size);
  }

  streamClosed(stream: SimStream, now: number): void {
    if (this.streams.delete(stream) && this.streams.size === 0) this.lastStreamClosedAt = now;
  }

  /** The chat stops being live (ended or expired): a silence still running counts up to now. */
  noteGap(now: number): void {
    if (this.streams.size === 0)
      this.maxStreamGapMs = Math.max(this.maxStreamGapMs, now - this.lastStreamClosedAt);
  }
}
