// The rules of one chat session, as a plain class: state in, decisions out. No Temporal APIs, no I/O,
// so it unit-tests without a server; the workflow only wires handlers and activities to it.
// Its whole state is plain JSON, carried across continue-as-new.
import type { BridgeEvent, ChatEndReason, SessionEvent } from '../shared/events';
import {
  defaultSessionTuning,
  type OutboundCommand,
  type SendMessageInput,
  type SendMessageResult,
  type SessionResult,
  type SessionStateView,
  type SessionStatus,
  type SessionTuning,
  type StartSessionInput,
  type TranscriptEntry,
  type WaitForEventsResult,
} from '../shared/session-types';
import { validateSendMessage } from './validate-input';

type Json = Record<string, unknown>;

export interface OutboxItem {
  id: string;
  command: OutboundCommand;
  queuedAt: string;
  /** The outbound sequence this item carries in `sequenceGeneration`; retries reuse it so the vendor drops repeats. */
  sequence: number | null;
  sequenceGeneration: number | null;
}

export type OutboxOutcome =
  { kind: 'accepted'; result: Omit<SendMessageResult, 'duplicate'> } | { kind: 'rejected'; reason: string };

export interface SessionCoreState {
  version: 1;
  sessionUid: string;
  provider: string;
  customerId: string;
  webhookUrl: string | null;
  tuning: SessionTuning;
  status: SessionStatus;
  statusBeforeHandover: SessionStatus | null;
  credentials: Json | null;
  vendorSessionId: string | null;
  /** Bumps on every handover; a handover request for an older generation is stale. */
  generation: number;
  /** After a reconnect: sending waits for the vendor's transcript replay (see `reconcileWithTranscript`). */
  awaitingTranscript?: boolean;
  cursor: Json | null;
  nextSequence: number;
  outbox: OutboxItem[];
  outcomes: Array<{ id: string; outcome: OutboxOutcome }>;
  nextEventIndex: number;
  pendingDeliveries: SessionEvent[];
  deliveredThrough: number;
  recentEvents: SessionEvent[];
  transcript: TranscriptEntry[];
  agent: { name: string; id?: string } | null;
  queuePosition: number | null;
  handovers: number;
  lastHandoverAt: string | null;
  endReason: ChatEndReason | null;
  /** Set when the session ended because the bridge could not go on (a typed failure to surface). */
  failure: { type: string; message: string } | null;
  runs: number;
  counters: { messagesFromCustomer: number; messagesFromAgent: number; eventsDelivered: number };
  nextLocalId: number;
}

export type EnqueueResult =
  { kind: 'queued'; id: string } | { kind: 'known'; id: string } | { kind: 'refused'; reason: string };

export interface SendInstruction {
  item: OutboxItem;
  sequence: number;
  generation: number;
  credentials: Json;
}

export class SessionCore {
  private constructor(readonly state: SessionCoreState) {}

  static create(input: StartSessionInput, sessionUid: string): SessionCore {
    return new SessionCore({
      version: 1,
      sessionUid,
      provider: input.provider,
      customerId: input.customerId,
      webhookUrl: input.webhookUrl ?? null,
      tuning: { ...defaultSessionTuning, ...input.tuning },
      status: 'starting',
      statusBeforeHandover: null,
      credentials: null,
      vendorSessionId: null,
      generation: 0,
      cursor: null,
      nextSequence: 1,
      outbox: [],
      outcomes: [],
      nextEventIndex: 0,
      pendingDeliveries: [],
      deliveredThrough: -1,
      recentEvents: [],
      transcript: [],
      agent: null,
      queuePosition: null,
      handovers: 0,
      lastHandoverAt: null,
      endReason: null,
      failure: null,
      runs: 1,
      counters: { messagesFromCustomer: 0, messagesFromAgent: 0, eventsDelivered: 0 },
      nextLocalId: 0,
    });
  }

  /** Resume from a continue-as-new snapshot. */
  static resume(state: SessionCoreState): SessionCore {
    return new SessionCore({ ...state, runs: state.runs + 1 });
  }

  get tuning(): SessionTuning {
    return this.state.tuning;
  }
  get ended(): boolean {
    return this.state.status === 'ended';
  }
  get reconnecting(): boolean {
    return this.state.status === 'reconnecting';
  }
  get hasVendorSession(): boolean {
    return this.state.credentials !== null;
  }

  // ---- vendor session lifecycle ----

  sessionOpened(opened: {
    credentials: Json;
    cursor: Json;
    vendorSessionId: string;
    firstSequence: number;
  }): void {
    this.state.credentials = opened.credentials;
    this.state.cursor = opened.cursor;
    this.state.vendorSessionId = opened.vendorSessionId;
    this.state.nextSequence = opened.firstSequence;
    this.state.status = 'queued';
  }

  /** A vendor credential failed (503). Returns true when this starts a handover. */
  requestHandover(generation: number): boolean {
    const s = this.state;
    if (
      generation !== s.generation ||
      s.status === 'reconnecting' ||
      s.status === 'ended' ||
      !this.hasVendorSession
    ) {
      return false;
    }
    s.statusBeforeHandover = s.status;
    s.status = 'reconnecting';
    return true;
  }

  reconnected(
    result: { credentials: Json; resetSequence: boolean; awaitsTranscriptReplay?: boolean },
    now: string,
  ): void {
    const s = this.state;
    s.credentials = result.credentials;
    s.awaitingTranscript = result.awaitsTranscriptReplay === true;
    s.generation += 1;
    if (result.resetSequence) s.nextSequence = 1;
    s.status = s.statusBeforeHandover ?? 'queued';
    s.statusBeforeHandover = null;
    s.handovers += 1;
    s.lastHandoverAt = now;
  }

  /** The vendor ended the session from its side, or the bridge cannot go on. Records a chatEnded event. */
  endFromVendor(reason: ChatEndReason, now: string, detail?: string): void {
    if (this.ended) return;
    const event: BridgeEvent = detail ? { kind: 'chatEnded', reason, detail } : { kind: 'chatEnded', reason };
    this.record(event, now);
  }

  /** The bridge could not continue (e.g. the vendor keeps sending malformed bodies): end and remember why. */
  fail(type: string, message: string, now: string): void {
    if (!this.state.failure) this.state.failure = { type, message };
    this.endFromVendor('bridgeError', now, `${type}: ${message}`);
  }

  // ---- agent → customer ----

  /** Records a poll batch: assigns each event its index and idempotency key, advances the cursor. */
  ingest(batch: { events: BridgeEvent[]; cursor: Json }, now: string): SessionEvent[] {
    this.state.cursor = batch.cursor;
    const recorded: SessionEvent[] = [];
    for (const event of batch.events) {
      if (this.ended) break; // nothing after the end is meaningful
      recorded.push(this.record(event, now));
    }
    return recorded;
  }

  private record(event: BridgeEvent, now: string): SessionEvent {
    const s = this.state;
    const entry: SessionEvent = {
      id: `${s.sessionUid}:${s.nextEventIndex}`,
      index: s.nextEventIndex,
      at: now,
      event,
    };
    s.nextEventIndex += 1;
    this.apply(entry);
    s.recentEvents.push(entry);
    trimFront(s.recentEvents, s.tuning.recentEventsKept);
    if (s.webhookUrl) s.pendingDeliveries.push(entry);
    else s.deliveredThrough = entry.index;
    return entry;
  }

  private apply(entry: SessionEvent): void {
    const s = this.state;
    const e = entry.event;
    switch (e.kind) {
      case 'queueUpdate':
        s.queuePosition = e.position;
        break;
      case 'agentConnected':
        s.agent = e.agentId ? { name: e.agentName, id: e.agentId } : { name: e.agentName };
        s.queuePosition = null;
        if (s.status === 'queued' || s.status === 'starting') s.status = 'chatting';
        break;
      case 'transferred':
        if (e.toQueue) break;
        s.agent = { name: e.agentName ?? s.agent?.name ?? '', ...(e.agentId ? { id: e.agentId } : {}) };
        break;
      case 'reconnected':
        this.reconcileWithTranscript(e.customerMessages, entry.at);
        break;
      case 'messageReceived':
        s.counters.messagesFromAgent += 1;
        this.addTranscript({
          from: 'agent',
          text: e.text,
          at: entry.at,
          ref: entry.id,
          name: e.agentName ?? s.agent?.name,
        });
        break;
      case 'chatEnded':
        s.status = 'ended';
        s.endReason = e.reason;
        this.addTranscript({ from: 'system', text: `chat ended (${e.reason})`, at: entry.at, ref: entry.id });
        this.rejectOutbox(`the chat ended (${e.reason})`);
        break;
      default:
        break;
    }
  }

  /**
   * After a handover, the vendor's transcript says how many customer messages it holds. Sends go one at
   * a time, so only the outbox head can have reached the vendor unanswered (its reply lost, its retry
   * met the 503): if the vendor holds more than we counted, that head arrived and is not sent again.
   */
  private reconcileWithTranscript(customerMessagesAtVendor: number | undefined, now: string): void {
    const s = this.state;
    if (!s.awaitingTranscript) return;
    s.awaitingTranscript = false;
    const head = s.outbox[0];
    const unanswered =
      customerMessagesAtVendor !== undefined ? customerMessagesAtVendor - s.counters.messagesFromCustomer : 0;
    if (unanswered > 0 && head?.command.kind === 'message' && head.sequenceGeneration !== null) {
      this.sendAccepted(head.id, now);
    }
  }

  /** The transcript replay did not come in time: resend the buffer anyway (the vendor drops nothing). */
  transcriptWaitExpired(): void {
    this.state.awaitingTranscript = false;
  }

  get awaitingTranscript(): boolean {
    return this.state.awaitingTranscript === true;
  }

  nextDeliveryBatch(max: number): SessionEvent[] {
    return this.state.pendingDeliveries.slice(0, max);
  }

  /** The webhook accepted every event up to and including `throughIndex`. */
  delivered(throughIndex: number): void {
    const s = this.state;
    const before = s.pendingDeliveries.length;
    s.pendingDeliveries = s.pendingDeliveries.filter((e) => e.index > throughIndex);
    s.counters.eventsDelivered += before - s.pendingDeliveries.length;
    s.deliveredThrough = Math.max(s.deliveredThrough, throughIndex);
  }

  get hasPendingDeliveries(): boolean {
    return this.state.pendingDeliveries.length > 0;
  }

  eventsAfter(afterIndex: number): WaitForEventsResult {
    const kept = this.state.recentEvents;
    const events = kept.filter((e) => e.index > afterIndex);
    const oldestKept = kept[0]?.index ?? this.state.nextEventIndex;
    return { events, truncated: afterIndex + 1 < oldestKept, ended: this.ended };
  }

  hasEventsAfter(afterIndex: number): boolean {
    return this.state.nextEventIndex - 1 > afterIndex;
  }

  // ---- customer → agent ----

  /** Admission check for a new outbound message, without changing anything (update validators call it). */
  checkSendMessage(input: unknown): string | null {
    const invalid = validateSendMessage(input);
    if (invalid) return invalid;
    if (this.ended && !this.outcomeOf((input as SendMessageInput).clientMessageId)) {
      return 'the chat has ended';
    }
    return null;
  }

  enqueue(command: OutboundCommand, id: string | null, now: string): EnqueueResult {
    if (id !== null && (this.outcomeOf(id) || this.state.outbox.some((i) => i.id === id))) {
      return { kind: 'known', id };
    }
    if (this.ended || this.state.status === 'ending')
      return { kind: 'refused', reason: 'the chat has ended' };
    const itemId = id ?? `${command.kind}#${this.state.nextLocalId++}`;
    this.state.outbox.push({ id: itemId, command, queuedAt: now, sequence: null, sequenceGeneration: null });
    if (command.kind === 'end') this.state.status = 'ending';
    return { kind: 'queued', id: itemId };
  }

  /** The customer or an operator ends the chat: queues one ChatEnd, or joins the one already queued. */
  requestEnd(now: string): EnqueueResult {
    const pending = this.state.outbox.find((i) => i.command.kind === 'end');
    if (pending) return { kind: 'known', id: pending.id };
    return this.enqueue({ kind: 'end' }, null, now);
  }

  /** True when the outbox has an item and the session may send now (opened, not reconnecting, not ended). */
  get canSend(): boolean {
    const s = this.state;
    return (
      s.outbox.length > 0 &&
      s.credentials !== null &&
      s.status !== 'reconnecting' &&
      s.status !== 'ended' &&
      !s.awaitingTranscript
    );
  }

  /** The head of the outbox, with the sequence it must carry, when sending is allowed now. */
  nextToSend(): SendInstruction | null {
    const s = this.state;
    const item = s.outbox[0];
    if (
      !item ||
      !s.credentials ||
      s.status === 'reconnecting' ||
      s.status === 'ended' ||
      s.awaitingTranscript
    ) {
      return null;
    }
    if (item.sequenceGeneration !== s.generation) {
      item.sequence = s.nextSequence;
      item.sequenceGeneration = s.generation;
      s.nextSequence += 1;
    }
    return { item, sequence: item.sequence!, generation: s.generation, credentials: s.credentials };
  }

  sendAccepted(itemId: string, now: string): void {
    const s = this.state;
    const index = s.outbox.findIndex((i) => i.id === itemId);
    if (index < 0) return;
    const [item] = s.outbox.splice(index, 1);
    const command = item!.command;
    if (command.kind === 'message') {
      s.counters.messagesFromCustomer += 1;
      this.addTranscript({ from: 'customer', text: command.text, at: now, ref: itemId });
    }
    if (awaited(command)) {
      this.setOutcome(itemId, {
        kind: 'accepted',
        result: { clientMessageId: itemId, vendorSequence: item!.sequence ?? 0, acceptedAt: now },
      });
    }
    if (command.kind === 'end') {
      this.record({ kind: 'chatEnded', reason: 'client' }, now);
    }
  }

  sendRejected(itemId: string, reason: string): void {
    const s = this.state;
    const index = s.outbox.findIndex((i) => i.id === itemId);
    if (index < 0) return;
    const [item] = s.outbox.splice(index, 1);
    if (item!.command.kind === 'end' && s.status === 'ending') s.status = s.agent ? 'chatting' : 'queued';
    if (awaited(item!.command)) this.setOutcome(itemId, { kind: 'rejected', reason });
  }

  outcomeOf(id: string): OutboxOutcome | undefined {
    return this.state.outcomes.find((o) => o.id === id)?.outcome;
  }

  get outboxEmpty(): boolean {
    return this.state.outbox.length === 0;
  }

  private rejectOutbox(reason: string): void {
    for (const item of [...this.state.outbox]) this.sendRejected(item.id, reason);
  }

  private setOutcome(id: string, outcome: OutboxOutcome): void {
    const s = this.state;
    s.outcomes.push({ id, outcome });
    trimFront(s.outcomes, s.tuning.acceptedIdsKept);
  }

  private addTranscript(entry: TranscriptEntry): void {
    const clean: TranscriptEntry = { ...entry };
    if (clean.name === undefined) delete clean.name;
    this.state.transcript.push(clean);
    trimFront(this.state.transcript, this.state.tuning.transcriptTail);
  }

  // ---- views ----

  view(): SessionStateView {
    const s = this.state;
    return {
      provider: s.provider,
      customerId: s.customerId,
      status: s.status,
      agent: s.agent,
      queuePosition: s.queuePosition,
      handovers: s.handovers,
      lastHandoverAt: s.lastHandoverAt,
      outboxSize: s.outbox.length,
      pendingDeliveries: s.pendingDeliveries.length,
      lastEventIndex: s.nextEventIndex - 1,
      deliveredThrough: s.deliveredThrough,
      endReason: s.endReason,
      runs: s.runs,
    };
  }

  result(): SessionResult {
    const s = this.state;
    return {
      endReason: s.endReason ?? 'unknown',
      messagesFromCustomer: s.counters.messagesFromCustomer,
      messagesFromAgent: s.counters.messagesFromAgent,
      eventsDelivered: s.counters.eventsDelivered,
      handovers: s.handovers,
    };
  }
}

function trimFront<T>(list: T[], keep: number): void {
  if (list.length > keep) list.splice(0, list.length - keep);
}

/**
 * Messages and ends have callers waiting on their outcome; typing and custom events are fire-and-forget,
 * and recording theirs would push message ids out of the bounded idempotency window.
 */
function awaited(command: OutboundCommand): boolean {
  return command.kind === 'message' || command.kind === 'end';
}
