// One visitor session as the server sees it (docs/protocols/salesforce-live-agent.md §1.12): credentials, the numbered outbound
// queue with ack/sequence/offset, the inbound duplicate filter, the transcript and the one open poll.
import type {
  ChasitorInitRequest,
  RawMessage,
  TranscriptEntry,
} from '../../providers/salesforce-live-agent/wire-schemas';
import { initialOffset } from './ids';

/** A server → client message; `number` is the server's position, what `sequence`/`ack` refer to. */
export interface QueuedMessage {
  number: number;
  type: string;
  message: unknown;
}

export interface ChasitorMessageRecord {
  text: string;
  /** The X-LIVEAGENT-SEQUENCE the POST carried. */
  sequence: number;
  receivedAt: number;
}

export interface DroppedPostRecord {
  path: string;
  sequence: number;
  at: number;
}

export type EndReason = 'client' | 'agent' | 'requestFailed' | 'conflict409' | 'expired' | 'deleted';

/** How an open poll is told to answer before its hold ends. */
export type PollOutcome = { kind: 'messages' } | { kind: 'status'; status: number; text: string };

export interface OpenPoll {
  readonly startedAt: number;
  readonly ack: number;
  settle(outcome: PollOutcome): void;
}

export interface AgentInfo {
  name: string;
  id: string;
}

export interface MessagesBatch {
  messages: RawMessage[];
  sequence: number;
  offset: number;
}

export class SimSession {
  initialized = false;
  init: ChasitorInitRequest | undefined;
  agent: AgentInfo | undefined;
  queuePosition: number;

  /** Set once the chat is over (a final message queued, or the session closed). */
  endReason: EndReason | undefined;
  endedAt: number | undefined;
  /** Closed sessions answer 403 to everything. */
  closed = false;
  /** Number of the ChatEnded / ChatRequestFail message; the session closes once it is acked. */
  finalMessageNumber: number | undefined;

  private queue: QueuedMessage[] = [];
  private nextNumber = 1;
  highestSequenceSent = 0;
  private offset = initialOffset();
  lastOffsetSent: number | undefined;
  agentMessagesQueued = 0;

  /** Highest X-LIVEAGENT-SEQUENCE applied; a POST at or below it is a duplicate. */
  seqSeenByServer = 0;
  readonly chasitorMessages: ChasitorMessageRecord[] = [];
  readonly droppedPosts: DroppedPostRecord[] = [];
  readonly transcript: TranscriptEntry[] = [];
  readonly customEvents: Array<{ type: string; data: string; sequence: number }> = [];
  chasitorTyping = false;
  lastSneakPeek: string | undefined;
  resyncs = 0;

  openPoll: OpenPoll | undefined;
  /** When the last poll ended (or the session was created / initialized): the expiry clock. */
  lastPollEndedAt: number;
  maxPollGapMs = 0;
  pollsStarted = 0;

  /** The affinity rotated and no ReconnectSession has been made yet. */
  awaitingReconnect = false;
  /** A ReconnectSession was made and no Messages 200 has carried its ChasitorSessionData yet. */
  replayUnserved = false;
  readonly reconnects: Array<{ at: number; offset: number }> = [];

  private wakeScheduled = false;

  constructor(
    readonly id: string,
    readonly key: string,
    public affinity: string,
    readonly createdAt: number,
    queuePosition: number,
  ) {
    this.lastPollEndedAt = createdAt;
    this.queuePosition = queuePosition;
  }

  get chatOver(): boolean {
    return this.endReason !== undefined;
  }

  /** Queue a message after everything already queued; an open poll answers on the next tick. */
  enqueue(type: string, message: unknown): number {
    const number = this.nextNumber++;
    this.queue.push({ number, type, message });
    this.wakePoll();
    return number;
  }

  /**
   * Queue a message ahead of all pending ones (ChasitorSessionData after a reconnect). It still gets the
   * newest number, so it is only discarded once the client acks the batch that carried it.
   */
  enqueueFirst(type: string, message: unknown): number {
    this.queue = this.queue.filter((m) => m.type !== type);
    const number = this.nextNumber++;
    this.queue.unshift({ number, type, message });
    this.wakePoll();
    return number;
  }

  /** Acknowledged messages are never sent again. */
  discardThrough(ack: number): void {
    this.queue = this.queue.filter((m) => m.number > ack);
  }

  hasPendingAfter(ack: number): boolean {
    return this.queue.some((m) => m.number > ack);
  }

  pendingCount(): number {
    return this.queue.length;
  }

  /** Everything not yet acknowledged, at once; `sequence` is the highest number in the batch. */
  takeBatch(ack: number): MessagesBatch {
    const batch = this.queue.filter((m) => m.number > ack);
    const sequence = Math.max(...batch.map((m) => m.number));
    if (batch.some((m) => m.type === 'ChasitorSessionData')) this.replayUnserved = false;
    this.highestSequenceSent = Math.max(this.highestSequenceSent, sequence);
    // Opaque, but monotonic: it advances with every 200, never repeats.
    this.offset += batch.length;
    this.lastOffsetSent = this.offset;
    return {
      messages: batch.map((m) => ({ type: m.type, message: m.message })),
      sequence,
      offset: this.offset,
    };
  }

  beginPoll(poll: OpenPoll, now: number): void {
    this.maxPollGapMs = Math.max(this.maxPollGapMs, now - this.lastPollEndedAt);
    this.openPoll = poll;
    this.pollsStarted += 1;
  }

  endPoll(poll: OpenPoll, now: number): void {
    if (this.openPoll !== poll) return;
    this.openPoll = undefined;
    this.lastPollEndedAt = now;
  }

  /** A poll the server answered at once without opening it (a fault): it still counts as polling. */
  notePollInstant(now: number): void {
    if (this.openPoll) return;
    this.maxPollGapMs = Math.max(this.maxPollGapMs, now - this.lastPollEndedAt);
    this.lastPollEndedAt = now;
  }

  /** How long no poll has been open (0 while one is). */
  idleMs(now: number): number {
    return this.openPoll ? 0 : now - this.lastPollEndedAt;
  }

  addTranscript(
    type: 'Agent' | 'Chasitor' | 'OperatorTransferred',
    name: string,
    content: string,
    now: number,
  ) {
    this.transcript.push({ type, name, content, timestamp: now, sequence: this.transcript.length + 1 });
  }

  /** Coalesce messages queued in the same tick (a transfer queues two) into one answer. */
  private wakePoll(): void {
    if (!this.openPoll || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.openPoll?.settle({ kind: 'messages' });
    });
  }
}
