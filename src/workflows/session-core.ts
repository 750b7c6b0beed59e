// The rules of one chat session, as a plain class: state in, decisions out. No Temporal APIs, no I/O,
// so it unit-tests without a server; the workflow only wires handlers and activities to it.
// Its whole state is plain JSON, carried across continue-as-new.
import type { BridgeEvent, ChatEndReason, SessionEvent } from '../shared/events';
import {
  effectiveTuning,
  type DeadLettersView,
  type PresenceView,
  type OutboundCommand,
  type SendFileInput,
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
import type {
  AdoptConnectionRequest,
  AttachConnectionInput,
  AttachConnectionResult,
  ConnectionLostSignal,
  EventsDeliveredSignal,
  VendorEventsBatch,
} from '../shared/hub-types';
import type { VendorProfile } from '../shared/vendor-profile';
import { contentDigest } from '../shared/content-digest';
import {
  deadLetter,
  deadLettersView,
  expireBefore,
  horizonLeftMs,
  markDelivered,
  markBatchDelivered,
  redrive,
  undelivered,
  type BacklogState,
} from './delivery-backlog';
import { validateSendFile, validateSendMessage } from './validate-input';

type Json = Record<string, unknown>;

export interface OutboxItem {
  id: string;
  command: OutboundCommand;
  queuedAt: string;
  /**
   * The outbound sequence this item carries in `sequenceGeneration` (vendors whose profile numbers
   * outbound requests); retries reuse it so the vendor drops repeats.
   */
  sequence: number | null;
  sequenceGeneration: number | null;
}

export type OutboxOutcome =
  | { kind: 'accepted'; result: Omit<SendMessageResult, 'duplicate'> }
  /** `chatEnded`: refused because the chat ended first (callers see SessionEnded, not a vendor refusal). */
  | { kind: 'rejected'; reason: string; chatEnded?: boolean };

export interface SessionCoreState extends BacklogState {
  version: 2;
  sessionUid: string;
  /**
   * Prefix of event ids: the session uid, or after an operator's reset the reset run's id, so an index
   * recorded again after the reset point never names a second event under a key already delivered.
   * Absent in older snapshots (the uid).
   */
  eventIdPrefix?: string;
  provider: string;
  customerId: string;
  webhookUrl: string | null;
  tuning: SessionTuning;
  status: SessionStatus;
  statusBeforeHandover: SessionStatus | null;
  credentials: Json | null;
  vendorSessionId: string | null;
  /** What the vendor needs (from the open activity): the session reads it, never a vendor name. */
  profile: VendorProfile | null;
  /** The hub that last held the connection (re-attaching there replaces it in place), if still alive. */
  hub: { hubId: string; hubTaskQueue: string } | null;
  /**
   * The attachment a hub holds (or is being asked to hold); null while none does. Set when the attach
   * is issued: the hub may signal before the attach's own result is recorded.
   */
  attachedEpoch: number | null;
  nextEpoch: number;
  /** The hub delivers to the channel itself (it stops after a failed delivery and leaves it to the session). */
  directDelivery: boolean;
  /**
   * Recorded events through `through` that attachment `epoch`'s hub delivers itself (it delivers only
   * after the session recorded them). While that attachment holds, the delivery lane leaves them alone;
   * once it ends unconfirmed, the lane redelivers them under the same keys. Absent in older snapshots.
   */
  hubDelivery?: { epoch: number; through: number } | null;
  /** The chat is ending on our side: the connection was let go on purpose and is not attached again. */
  connectionReleased: boolean;
  /** Bumps on every handover; a handover request for an older generation is stale. */
  generation: number;
  /** After a reconnect: sending waits for the vendor's transcript replay (see `reconcileWithTranscript`). */
  awaitingTranscript?: boolean;
  /** After a reconnect: once the replay is processed, queue a `confirmReplay` send (the vendor asked). */
  confirmReplay?: boolean;
  cursor: Json | null;
  nextSequence: number;
  outbox: OutboxItem[];
  /** `digest`: the message's content fingerprint (absent in state from before it was kept). */
  outcomes: Array<{ id: string; outcome: OutboxOutcome; digest?: string }>;
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
  /** An agent presence's agent (absent for a chat, and in state from before presences existed). */
  presence?: PresenceView;
}

export type EnqueueResult =
  { kind: 'queued'; id: string } | { kind: 'known'; id: string } | { kind: 'refused'; reason: string };

export interface SendInstruction {
  item: OutboxItem;
  stamp: {
    sequence: number | null;
    idempotencyKey: string;
    mayRepeat?: boolean;
    customerMessagesBefore?: number;
  };
  generation: number;
  credentials: Json;
}

/** What a `connectionLost` signal means for the session. */
export type ConnectionLostOutcome = 'ignored' | 'reattach' | 'ended';

export class SessionCore {
  /** Not state: a measurement of it (see backlogBytes). */
  private backlogSize: { key: string; bytes: number } | undefined;

  private constructor(readonly state: SessionCoreState) {}

  static create(input: StartSessionInput, sessionUid: string): SessionCore {
    return new SessionCore({
      version: 2,
      sessionUid,
      provider: input.provider,
      customerId: input.customerId,
      webhookUrl: input.webhookUrl ?? null,
      tuning: effectiveTuning(input.tuning),
      status: 'starting',
      statusBeforeHandover: null,
      credentials: null,
      vendorSessionId: null,
      profile: null,
      hub: null,
      attachedEpoch: null,
      nextEpoch: 1,
      directDelivery: false,
      connectionReleased: false,
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
    return new SessionCore({ ...state, tuning: effectiveTuning(state.tuning), runs: state.runs + 1 });
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
    profile: VendorProfile;
  }): void {
    this.state.credentials = opened.credentials;
    this.state.cursor = opened.cursor;
    this.state.vendorSessionId = opened.vendorSessionId;
    this.state.nextSequence = opened.firstSequence;
    this.state.profile = opened.profile;
    this.state.status = 'queued';
  }

  /** The webhook URL is unusable (the workflow was started without the client helper): deliver nothing. */
  refuseWebhook(): void {
    this.state.webhookUrl = null;
  }

  // ---- the connection (held by a worker's hub) ----

  /** The vendor connection should be held and no hub holds it: the connection lane attaches one. */
  get needsAttach(): boolean {
    const s = this.state;
    return (
      s.credentials !== null &&
      s.attachedEpoch === null &&
      s.status !== 'reconnecting' &&
      !s.connectionReleased &&
      !this.ended
    );
  }

  /** Issues the next attachment; `delivery` only when nothing older waits to be delivered. */
  attachInput(sessionWorkflowId: string): AttachConnectionInput {
    const s = this.state;
    const epoch = s.nextEpoch++;
    s.attachedEpoch = epoch;
    // Events the last attachment was delivering itself but never confirmed go with this one (the hub
    // delivers them first, under the same keys): a worker crash costs no delivery activity and no
    // second attach. A backlog the webhook failed on stays with the delivery lane.
    const pending = s.pendingDeliveries;
    const redeliver = pending.length > 0 && this.nextAttachRedelivers ? [...pending] : [];
    s.directDelivery = s.webhookUrl !== null && (pending.length === 0 || redeliver.length > 0);
    s.hubDelivery = redeliver.length > 0 ? { epoch, through: redeliver.at(-1)!.index } : null;
    return {
      sessionWorkflowId,
      sessionUid: s.sessionUid,
      ...(s.eventIdPrefix ? { eventIdPrefix: s.eventIdPrefix } : {}),
      provider: s.provider,
      credentials: s.credentials!,
      cursor: s.cursor!,
      generation: s.generation,
      epoch,
      nextEventIndex: s.nextEventIndex,
      delivery: s.directDelivery ? { webhookUrl: s.webhookUrl!, ...this.deliveryNames } : null,
      ...(redeliver.length > 0 ? { redeliver } : {}),
    };
  }

  /** The hub holds the connection for attachment `epoch` (unless something moved the session meanwhile). */
  attached(epoch: number, result: AttachConnectionResult): boolean {
    const s = this.state;
    if (epoch !== s.attachedEpoch) return false;
    s.hub = result;
    return true;
  }

  /** The attach failed: no hub holds the connection. */
  attachFailed(epoch: number): void {
    if (this.state.attachedEpoch === epoch) this.state.attachedEpoch = null;
  }

  /**
   * The delivery backlog is empty again while the hub no longer delivers directly: attach again (to the
   * same hub, which replaces the connection in place) so agent events skip the detour once more.
   */
  get shouldRestoreDirectDelivery(): boolean {
    const s = this.state;
    return (
      s.attachedEpoch !== null &&
      s.webhookUrl !== null &&
      !s.directDelivery &&
      s.pendingDeliveries.length === 0 &&
      !this.ended
    );
  }

  restoreDirectDelivery(): void {
    this.state.attachedEpoch = null;
  }

  /** The chat ends on our side: no hub holds the connection from now on. */
  releaseConnection(): { hubTaskQueue: string; epoch: number } | null {
    const s = this.state;
    s.connectionReleased = true;
    // The latest attachment, even one whose answer has not arrived: that is what the hub may hold.
    const held =
      s.hub && s.nextEpoch > 1 ? { hubTaskQueue: s.hub.hubTaskQueue, epoch: s.nextEpoch - 1 } : null;
    s.attachedEpoch = null;
    return held;
  }

  /** An attach aimed at the last hub failed (the hub is gone or shutting down): attach anywhere next. */
  forgetHub(): void {
    this.state.hub = null;
  }

  /**
   * Why a live hub may not take the connection over from `request.fromHubId` now, or null. Only a
   * settled attachment to the lost hub moves: one still being attached is moved by `connectionLost`
   * (which cancels the attach), and a session that moved on is none of the lost hub's business.
   */
  adoptionRefusal(request: AdoptConnectionRequest, attaching: boolean): string | null {
    const s = this.state;
    if (this.ended || s.connectionReleased) return 'the chat has ended';
    if (s.hub?.hubId !== request.fromHubId)
      return `the connection is not held by hub ${request.fromHubId} (${s.hub?.hubId ?? 'none'})`;
    if (s.attachedEpoch === null || attaching) return 'an attachment is in progress';
    if (s.status === 'reconnecting') return 'a handover is in progress';
    return null;
  }

  /** The adopting hub holds the connection from now on, as a new attachment (older ones go stale). */
  adopt(request: AdoptConnectionRequest, sessionWorkflowId: string): AttachConnectionInput {
    const input = this.attachInput(sessionWorkflowId);
    this.state.hub = { hubId: request.hubId, hubTaskQueue: request.hubTaskQueue };
    return input;
  }

  /**
   * A hub message names the chat it comes from: one from the customer's previous chat (under the same
   * business key, so the same workflow id) is not for this one. Unnamed: older hubs, trusted as before.
   */
  isThisChat(chatUid: string | undefined): boolean {
    return chatUid === undefined || chatUid === this.state.sessionUid;
  }

  get eventIdPrefix(): string {
    return this.state.eventIdPrefix ?? this.state.sessionUid;
  }

  /**
   * This run is an operator's reset of the chat (`runId` is the reset run's id): events recorded from
   * here on are named under it, never under ids the run before the reset may already have delivered.
   */
  resetTo(runId: string): void {
    this.state.eventIdPrefix = runId;
  }

  /**
   * The current attachment sent a batch the session cannot take: the hub and the record disagree, which
   * only an operator's reset causes (the record went back). The hub lets go and says so; the session
   * attaches again from its record.
   */
  outOfStepReason(batch: VendorEventsBatch): string | null {
    const s = this.state;
    if (this.ended || batch.epoch !== s.attachedEpoch || !this.isThisChat(batch.chatUid)) return null;
    const first = batch.events[0];
    if (batch.firstIndex !== s.nextEventIndex)
      return `the hub names index ${batch.firstIndex}, the record stands at ${s.nextEventIndex}`;
    if (first && !first.id.startsWith(`${this.eventIdPrefix}:`))
      return `the hub names events ${first.id}, the session ${this.eventIdPrefix}:<index>`;
    return null;
  }

  /** Why a batch from the hub cannot be recorded now (an older attachment, or the session moved on), or null. */
  staleBatchReason(batch: VendorEventsBatch): string | null {
    const s = this.state;
    if (!this.isThisChat(batch.chatUid)) return `chat ${batch.chatUid} is not this one (${s.sessionUid})`;
    if (this.ended) return 'the chat has ended';
    if (batch.epoch !== s.attachedEpoch)
      return `attachment ${batch.epoch} is not the current one (${s.attachedEpoch})`;
    if (batch.generation !== s.generation)
      return `credential generation ${batch.generation} is not ${s.generation}`;
    if (batch.firstIndex !== s.nextEventIndex)
      return `first index ${batch.firstIndex} is not ${s.nextEventIndex}`;
    return null;
  }

  /**
   * Why the session takes no more agent events for now, or null: its webhook has been failing and the
   * undelivered backlog reached `deliveryBacklogMaxBytes`. The vendor keeps them (not acknowledged).
   */
  /**
   * The backlog's size as JSON. A hub re-offers a refused batch about once a second through an outage:
   * measured again only when the backlog changed (events are never edited, only added or removed).
   */
  private backlogBytes(): number {
    const pending = this.state.pendingDeliveries;
    const key = `${pending[0]?.index}:${pending.at(-1)?.index}:${pending.length}`;
    if (this.backlogSize?.key !== key) {
      this.backlogSize = { key, bytes: JSON.stringify(pending).length };
    }
    return this.backlogSize.bytes;
  }

  backlogFullReason(): string | null {
    const s = this.state;
    if (s.pendingDeliveries.length < 2) return null;
    const max = s.tuning.deliveryBacklogMaxBytes;
    const bytes = this.backlogBytes();
    return bytes >= max ? `${s.pendingDeliveries.length} events (${bytes} bytes) wait for the webhook` : null;
  }

  /**
   * Records a batch from the hub, if it continues exactly where the session's record stands. Returns
   * what the hub may deliver now: the recorded events through `deliverThrough` (-1: none, the delivery
   * lane has them), or null when the batch is stale.
   */
  acceptVendorEvents(
    batch: VendorEventsBatch,
    /** The workflow's time: events are stamped when recorded, the clock their delivery horizon runs on. */
    now?: string,
  ): { recordedThrough: number; deliverThrough: number } | null {
    const s = this.state;
    if (this.staleBatchReason(batch) !== null) {
      return null; // stale: an older attachment, or the session moved on; the vendor sends it again
    }
    s.cursor = batch.cursor;
    if (batch.hubDelivers === undefined) {
      // A batch from before record-then-deliver (replayed history): it counted its own delivered events.
      const last = batch.events.at(-1);
      if (last && batch.deliveredThrough < last.index) s.directDelivery = false;
      for (const entry of batch.events) {
        if (this.ended) break;
        this.recordEntry(entry, entry.index <= batch.deliveredThrough);
      }
      return { recordedThrough: s.nextEventIndex - 1, deliverThrough: -1 };
    }
    this.confirmDelivered(batch.deliveredThrough, batch.firstIndex - 1);
    if (!batch.hubDelivers) s.directDelivery = false;
    for (const entry of batch.events) {
      if (this.ended) break; // nothing after the end is recorded, so nothing after it is delivered
      this.recordEntry(now ? { ...entry, at: now } : entry, false);
    }
    const recordedThrough = s.nextEventIndex - 1;
    const hubDelivers = batch.hubDelivers && s.directDelivery && s.webhookUrl !== null;
    if (!hubDelivers) return { recordedThrough, deliverThrough: -1 };
    s.hubDelivery = { epoch: batch.epoch, through: recordedThrough };
    return { recordedThrough, deliverThrough: recordedThrough };
  }

  /**
   * A hub reports what it delivered (no later batch carried it). With `handBack` it stopped delivering
   * (the webhook failed): the delivery lane takes the rest, in order, under the same keys.
   */
  eventsDelivered(report: EventsDeliveredSignal): void {
    const s = this.state;
    if (!this.isThisChat(report.chatUid)) return;
    this.confirmDelivered(report.deliveredThrough, s.nextEventIndex - 1);
    if (report.handBack && s.hubDelivery?.epoch === report.epoch) {
      s.hubDelivery = null;
      if (report.epoch === s.attachedEpoch) s.directDelivery = false;
    }
  }

  /**
   * A hub delivers only events the session recorded, in order, from an attachment that began with
   * nothing undelivered: "delivered through n" is true of every event up to n, from any attachment,
   * however late it arrives. `limit` keeps a report from reaching past what this session recorded.
   */
  private confirmDelivered(deliveredThrough: number, limit: number): void {
    const through = Math.min(deliveredThrough, limit);
    if (through < 0 || through <= this.state.deliveredThrough) return;
    this.delivered(through);
    const held = this.state.hubDelivery;
    if (held && held.through <= through) this.state.hubDelivery = null;
  }

  /**
   * Undelivered events are the hub's to deliver: the current attachment delivers them itself (still
   * unconfirmed), or the next attachment, about to be issued, will carry them.
   */
  get hubHoldsDeliveries(): boolean {
    const s = this.state;
    const held = s.hubDelivery;
    const head = s.pendingDeliveries[0];
    if (head === undefined) return false;
    if (held && held.epoch === s.attachedEpoch && head.index <= held.through) return true;
    return this.needsAttach && this.nextAttachRedelivers;
  }

  /**
   * The next attachment carries the undelivered events for its hub to post first: the last one was
   * delivering them itself (no webhook failure handed them back) and they are few.
   */
  private get nextAttachRedelivers(): boolean {
    const s = this.state;
    return s.webhookUrl !== null && s.directDelivery && s.pendingDeliveries.length <= maxRedeliverOnAttach;
  }

  /** Undelivered events the delivery lane must deliver (redriven ones; the rest unless the hub has them). */
  get laneHasWork(): boolean {
    const s = this.state;
    return (s.redriven?.length ?? 0) > 0 || (s.pendingDeliveries.length > 0 && !this.hubHoldsDeliveries);
  }

  /** The hub never confirmed (it vanished without a word): the delivery lane redelivers, same keys. */
  revokeHubDelivery(): void {
    this.state.hubDelivery = null;
  }

  /** The hub let go (or died). Decides whether to attach again or end the chat. */
  connectionLost(lost: ConnectionLostSignal, now: string): ConnectionLostOutcome {
    const s = this.state;
    if (!this.isThisChat(lost.chatUid)) return 'ignored';
    if (lost.deliveredThrough !== undefined)
      this.confirmDelivered(lost.deliveredThrough, s.nextEventIndex - 1);
    const current = lost.epoch === undefined ? s.hub?.hubId === lost.hubId : lost.epoch === s.attachedEpoch;
    if (!current) return 'ignored';
    if (this.ended) {
      // No hub delivers for the session any more: the delivery lane takes what it held. A lost hub's
      // task queue would never run the final detach.
      s.attachedEpoch = null;
      if (lost.reason === 'hubLost' || lost.reason === 'draining') s.hub = null;
      return 'ignored';
    }
    if (lost.reason === 'sessionGone' && s.status === 'ending') {
      // Our own ChatEnd ended the vendor session under the receive: the send lane records the end.
      s.attachedEpoch = null;
      s.connectionReleased = true;
      return 'ignored';
    }
    if (lost.reason === 'hubLost' || lost.reason === 'draining') s.hub = null;
    if (lost.epoch === undefined || lost.epoch === s.attachedEpoch) s.attachedEpoch = null;
    switch (lost.reason) {
      case 'sessionGone':
        this.endFromVendor('vendorSessionExpired', now, lost.message);
        return 'ended';
      case 'conflict':
        this.endFromVendor('vendorConflict', now, lost.message);
        return 'ended';
      case 'failed':
        this.fail(lost.failureType ?? 'VendorConnectionFailed', lost.message, now);
        return 'ended';
      default:
        return 'reattach';
    }
  }

  /**
   * A vendor credential failed, or the vendor named new ones (`learned`: the reconnect starts from them,
   * also when one is already under way). Returns true when this starts a handover.
   */
  requestHandover(generation: number, learned?: Json): boolean {
    const s = this.state;
    if (generation !== s.generation || s.status === 'ended' || !this.hasVendorSession) return false;
    if (learned) s.credentials = learned;
    if (s.status === 'reconnecting') return false;
    s.statusBeforeHandover = s.status;
    s.status = 'reconnecting';
    // The hub stops receiving with a failed credential by itself; the next attach replaces it in place.
    s.attachedEpoch = null;
    return true;
  }

  /** The caller's end waits in the outbox (sent, or to be sent after the handover). */
  get endRequested(): boolean {
    return this.state.outbox.some((i) => i.command.kind === 'end');
  }

  reconnected(result: { credentials: Json; cursor?: Json; confirmsReplay?: boolean }, now: string): void {
    const s = this.state;
    const after = s.profile?.afterReconnect;
    s.credentials = result.credentials;
    if (result.cursor) s.cursor = result.cursor;
    s.awaitingTranscript = after?.replaysTranscript === true;
    s.confirmReplay = result.confirmsReplay === true;
    s.generation += 1;
    if (after?.restartsSequence) s.nextSequence = 1;
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

  /** Records an event of the session's own (the end of the chat), named like the hub names vendor events. */
  private record(event: BridgeEvent, now: string): SessionEvent {
    const s = this.state;
    const entry: SessionEvent = {
      id: `${this.eventIdPrefix}:${s.nextEventIndex}`,
      index: s.nextEventIndex,
      at: now,
      event,
    };
    this.recordEntry(entry, false);
    return entry;
  }

  private recordEntry(entry: SessionEvent, delivered: boolean): void {
    const s = this.state;
    s.nextEventIndex = entry.index + 1;
    this.apply(entry);
    s.recentEvents.push(entry);
    trimFront(s.recentEvents, s.tuning.recentEventsKept);
    if (s.webhookUrl && !delivered) s.pendingDeliveries.push(entry);
    else {
      if (s.webhookUrl) s.counters.eventsDelivered += 1;
      s.deliveredThrough = Math.max(s.deliveredThrough, entry.index);
    }
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
      case 'agentSignedIn': {
        const before = s.presence;
        s.presence = {
          agentId: e.agentId,
          skills: e.skills,
          mode: e.mode,
          state: before?.state === 'signedOut' ? null : (before?.state ?? null),
          signIns: (before?.signIns ?? 0) + 1,
          signOuts: before?.signOuts ?? 0,
          lastEventType: before?.lastEventType ?? null,
          lastSignOutReason: before?.lastSignOutReason ?? null,
        };
        if (s.status === 'queued' || s.status === 'starting') s.status = 'chatting';
        break;
      }
      case 'agentSignedOut':
        if (!s.presence) break;
        s.presence.signOuts += 1;
        s.presence.state = 'signedOut';
        s.presence.lastSignOutReason = e.reason;
        break;
      case 'agentEvent':
        if (!s.presence) break;
        s.presence.lastEventType = e.eventType;
        if (e.state) s.presence.state = e.state;
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
    const head = s.outbox.find((i) => i.command.kind !== 'confirmReplay');
    const unanswered =
      customerMessagesAtVendor !== undefined ? customerMessagesAtVendor - s.counters.messagesFromCustomer : 0;
    if (unanswered > 0 && head?.command.kind === 'message' && head.sequenceGeneration !== null) {
      this.sendAccepted(head.id, now);
    }
    this.queueReplayConfirmation(now);
  }

  /** The transcript replay did not come in time: resend the buffer anyway (the vendor drops nothing). */
  transcriptWaitExpired(now: string): void {
    this.state.awaitingTranscript = false;
    this.queueReplayConfirmation(now);
  }

  /**
   * The vendor's "replay processed" request goes first, before every buffered message (Live Agent:
   * ChasitorResyncState, docs/protocols/salesforce-live-agent.md §1.9 steps 4–6). One at a time: a
   * confirmation a newer failover overtook is replaced.
   */
  private queueReplayConfirmation(now: string): void {
    const s = this.state;
    if (!s.confirmReplay) return;
    s.confirmReplay = false;
    s.outbox = s.outbox.filter((i) => i.command.kind !== 'confirmReplay');
    s.outbox.unshift({
      id: `confirmReplay#${s.nextLocalId++}`,
      command: { kind: 'confirmReplay' },
      queuedAt: now,
      sequence: null,
      sequenceGeneration: null,
    });
  }

  get awaitingTranscript(): boolean {
    return this.state.awaitingTranscript === true;
  }

  nextDeliveryBatch(max: number): SessionEvent[] {
    const s = this.state;
    if (s.redriven?.length) return s.redriven.slice(0, max);
    return this.laneHasWork ? s.pendingDeliveries.slice(0, max) : [];
  }

  /** The delivery lane's batch reached the webhook through `throughIndex`. */
  deliveredBatch(throughIndex: number, batch: SessionEvent[]): void {
    this.state.counters.eventsDelivered += markBatchDelivered(this.state, batch, throughIndex);
  }

  /** The webhook accepted every event up to and including `throughIndex`. */
  delivered(throughIndex: number): void {
    this.state.counters.eventsDelivered += markDelivered(this.state, throughIndex);
  }

  // ---- dead letters (src/workflows/delivery-backlog.ts has the rules) ----

  get deliveryHorizonMs(): number {
    return this.state.tuning.deliveryHorizonMs;
  }

  /**
   * The lane's undelivered events that waited past the delivery horizon become dead letters (never the
   * hub's: it is delivering them now). Returns how many.
   */
  expireUndeliverable(nowMs: number): number {
    if (!this.laneHasWork) return 0;
    return expireBefore(this.state, nowMs - this.deliveryHorizonMs, nowMs);
  }

  /** How long the oldest event the lane must deliver may still wait before it becomes a dead letter. */
  horizonLeftMs(nowMs: number): number {
    return horizonLeftMs(this.state, this.deliveryHorizonMs, nowMs);
  }

  /** The webhook will never take this event: it leaves the backlog (the events after it go on). */
  deadLetter(index: number, reason: string, nowMs: number): void {
    deadLetter(this.state, index, reason, nowMs);
  }

  deadLettersView(): DeadLettersView {
    return deadLettersView(this.state);
  }

  /** An operator asks to deliver the kept dead letters again (the webhook was fixed). Returns how many. */
  redriveDeadLetters(nowMs: number): number {
    return this.state.webhookUrl ? redrive(this.state, nowMs) : 0;
  }

  /**
   * The chat has ended but the channel has not taken everything: what moves to a deliveries workflow
   * (so the business key is free for the customer's next chat). Clears it here.
   */
  handOffDeliveries(): { events: SessionEvent[]; deadLetters: DeadLettersView } | null {
    const s = this.state;
    const events = undelivered(s).sort((a, b) => a.index - b.index);
    if (events.length === 0 && (s.deadLetters ?? []).length === 0) return null;
    const handed = { events, deadLetters: this.deadLettersView() };
    s.pendingDeliveries = [];
    s.redriven = [];
    s.deadLetters = [];
    s.deadLetterBytes = 0;
    s.hubDelivery = null;
    return handed;
  }

  /** Recorded events not yet confirmed delivered (by the hub or the delivery lane). */
  get hasPendingDeliveries(): boolean {
    return undelivered(this.state).length > 0;
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
  checkSendMessage(input: unknown): AdmissionRefusal | null {
    const invalid = validateSendMessage(input);
    if (invalid) return { type: 'invalid', reason: invalid };
    const { clientMessageId, text } = input as SendMessageInput;
    return this.checkKnown(clientMessageId, contentDigest(text));
  }

  /** Admission check for a new outbound file (the same idempotency rules as a message). */
  checkSendFile(input: unknown): AdmissionRefusal | null {
    const invalid = validateSendFile(input);
    if (invalid) return { type: 'invalid', reason: invalid };
    const { clientMessageId, url, fileName, contentType } = input as SendFileInput;
    return this.checkKnown(clientMessageId, digestOfCommand({ kind: 'file', url, fileName, contentType }));
  }

  private checkKnown(clientMessageId: string, digest: string | undefined): AdmissionRefusal | null {
    const known = this.digestOf(clientMessageId);
    if (known !== undefined && known !== null && known !== digest) {
      return {
        type: 'reused',
        reason: `clientMessageId ${JSON.stringify(clientMessageId)} was already used for a different message`,
      };
    }
    if (this.ended && known === undefined) return { type: 'ended', reason: 'the chat has ended' };
    return null;
  }

  /**
   * The content fingerprint of a message id this session knows (queued or answered), null when it knows
   * the id without one (state from before fingerprints were kept), undefined when the id is new.
   */
  private digestOf(id: string): string | null | undefined {
    const queued = this.state.outbox.find((i) => i.id === id);
    if (queued) return digestOfCommand(queued.command) ?? null;
    const answered = this.state.outcomes.find((o) => o.id === id);
    if (answered) return answered.digest ?? null;
    return undefined;
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

  /**
   * Where a send goes first: the hub holding the connection, for a vendor whose connection learns
   * credentials the session has not recorded (profile `sendWhereHeld`); null: any worker.
   */
  get sendHub(): { hubTaskQueue: string } | null {
    const s = this.state;
    if (!s.profile?.sendWhereHeld || !s.hub || s.attachedEpoch === null) return null;
    return { hubTaskQueue: s.hub.hubTaskQueue };
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
      const numbered = s.profile?.outboundSequence !== false && item.command.kind !== 'confirmReplay';
      item.sequence = numbered ? s.nextSequence : null;
      item.sequenceGeneration = s.generation;
      if (item.sequence !== null) s.nextSequence += 1;
    }
    return {
      item,
      stamp: {
        sequence: item.sequence,
        idempotencyKey: `${s.sessionUid}:${item.id}`,
        ...(item.command.kind === 'message'
          ? { customerMessagesBefore: s.counters.messagesFromCustomer }
          : {}),
      },
      generation: s.generation,
      credentials: s.credentials,
    };
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
      this.setOutcome(item!, {
        kind: 'accepted',
        result: { clientMessageId: itemId, vendorSequence: item!.sequence ?? null, acceptedAt: now },
      });
    }
    if (command.kind === 'end') {
      this.record({ kind: 'chatEnded', reason: 'client' }, now);
    }
  }

  sendRejected(itemId: string, reason: string, chatEnded = false): void {
    const s = this.state;
    const index = s.outbox.findIndex((i) => i.id === itemId);
    if (index < 0) return;
    const [item] = s.outbox.splice(index, 1);
    if (item!.command.kind === 'end' && s.status === 'ending') s.status = s.agent ? 'chatting' : 'queued';
    if (awaited(item!.command)) {
      this.setOutcome(
        item!,
        chatEnded ? { kind: 'rejected', reason, chatEnded } : { kind: 'rejected', reason },
      );
    }
  }

  outcomeOf(id: string): OutboxOutcome | undefined {
    return this.state.outcomes.find((o) => o.id === id)?.outcome;
  }

  get outboxEmpty(): boolean {
    return this.state.outbox.length === 0;
  }

  private rejectOutbox(reason: string): void {
    for (const item of [...this.state.outbox]) this.sendRejected(item.id, reason, true);
  }

  private setOutcome(item: OutboxItem, outcome: OutboxOutcome): void {
    const s = this.state;
    const digest = digestOfCommand(item.command);
    s.outcomes.push({ id: item.id, outcome, ...(digest ? { digest } : {}) });
    trimFront(s.outcomes, s.tuning.acceptedIdsKept);
  }

  private addTranscript(entry: TranscriptEntry): void {
    const clean: TranscriptEntry = { ...entry };
    if (clean.name === undefined) delete clean.name;
    this.state.transcript.push(clean);
    trimFront(this.state.transcript, this.state.tuning.transcriptTail);
  }

  // ---- views ----

  /** What every webhook body names besides the session id: the customer and the vendor's session. */
  get deliveryNames(): { customerId: string; vendorSessionId?: string } {
    const s = this.state;
    return s.vendorSessionId
      ? { customerId: s.customerId, vendorSessionId: s.vendorSessionId }
      : { customerId: s.customerId };
  }

  view(): SessionStateView {
    const s = this.state;
    return {
      provider: s.provider,
      customerId: s.customerId,
      vendorSessionId: s.vendorSessionId,
      status: s.status,
      agent: s.agent,
      queuePosition: s.queuePosition,
      handovers: s.handovers,
      lastHandoverAt: s.lastHandoverAt,
      outboxSize: s.outbox.length,
      pendingDeliveries: s.pendingDeliveries.length + (s.redriven?.length ?? 0),
      lastEventIndex: s.nextEventIndex - 1,
      deliveredThrough: s.deliveredThrough,
      endReason: s.endReason,
      runs: s.runs,
      ...(s.presence ? { presence: { ...s.presence } } : {}),
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

/** An attachment carries at most this many unconfirmed events to redeliver; more go to the delivery lane. */
const maxRedeliverOnAttach = 100;

/**
 * Messages and ends have callers waiting on their outcome; typing and custom events are fire-and-forget,
 * and recording theirs would push message ids out of the bounded idempotency window.
 */
function awaited(command: OutboundCommand): boolean {
  const kind = command.kind;
  return (
    kind === 'message' ||
    kind === 'file' ||
    kind === 'updateUserData' ||
    kind === 'agentState' ||
    kind === 'end'
  );
}

/** The fingerprint that tells a repeat from a reused id: messages by text, files by source and name. */
function digestOfCommand(command: OutboundCommand): string | undefined {
  if (command.kind === 'message') return contentDigest(command.text);
  if (command.kind === 'file') {
    return contentDigest(`file\n${command.url}\n${command.fileName}\n${command.contentType ?? ''}`);
  }
  return undefined;
}

export interface AdmissionRefusal {
  type: 'invalid' | 'reused' | 'ended';
  reason: string;
}
