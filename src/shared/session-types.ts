// Plain-JSON shapes shared by the workflow, the activities, the client helpers and tests.
// They travel through Temporal payloads, so they hold no classes, functions or Dates.
import type { AgentStateName, BridgeEvent, ChatEndReason, SessionEvent } from './events';

/** What a backend team passes to start a session. Validated by the client helpers before it reaches Temporal. */
export interface StartSessionInput {
  /** Registered provider name, e.g. `salesforce-live-agent`. */
  provider: string;
  /** The channel's own id for the customer (e.g. a WeChat openid). Shown as a search attribute. */
  customerId: string;
  /** Display name the agent sees. */
  visitorName: string;
  /** Where agent events are POSTed (signed). Absent: events are only readable by query / waitForEvents. */
  webhookUrl?: string;
  /** Vendor-specific routing and pre-chat data (e.g. Live Agent prechatDetails), passed to the provider as-is. */
  providerOptions?: Record<string, unknown>;
  /** Session tuning; defaults in `defaultSessionTuning`. */
  tuning?: Partial<SessionTuning>;
}

/** Timings and limits of one session. All durations in milliseconds. */
export interface SessionTuning {
  /** Delivery retry backoff ceiling. */
  deliveryMaxBackoffMs: number;
  /**
   * How long an event may wait for the channel's webhook before it becomes a dead letter (listed with
   * the `deadLetters` query and the ChatDeadLetters search attribute, redriven on request).
   */
  deliveryHorizonMs: number;
  /**
   * How much undelivered agent → channel traffic a session holds (JSON bytes) while its webhook fails.
   * Beyond it the session records nothing more: the hub keeps polling without acknowledging, so the
   * vendor holds the rest, and nothing is lost while the session's state stays within Temporal's limits.
   */
  deliveryBacklogMaxBytes: number;
  /** How long reconnect attempts go on through 503s and outages before the chat ends as expired. */
  reconnectGiveUpMs: number;
  /** Continue-as-new when the history has this many events (the SDK's suggestion applies too). */
  continueAsNewAfterEvents: number;
  /** Transcript entries kept in state (and queryable). */
  transcriptTail: number;
  /** Recent events kept for `waitForEvents` consumers. */
  recentEventsKept: number;
  /** Client message ids remembered for idempotency after acceptance. */
  acceptedIdsKept: number;
  /** Upsert the Chat* search attributes (off only for servers that cannot register them, e.g. the time-skipping test server). */
  searchAttributes: boolean;
}

export const defaultSessionTuning: SessionTuning = {
  deliveryMaxBackoffMs: 30_000,
  // Stripe's convention for webhooks: three days of retries.
  deliveryHorizonMs: 3 * 24 * 3_600_000,
  // The session's state (with this backlog) travels in every continue-as-new: 2 MB payload limit.
  deliveryBacklogMaxBytes: 1024 * 1024,
  // No vendor session outlives this without a poll (Live Agent expires it in well under a minute).
  reconnectGiveUpMs: 5 * 60_000,
  continueAsNewAfterEvents: 10_000,
  transcriptTail: 200,
  recentEventsKept: 200,
  acceptedIdsKept: 500,
  searchAttributes: true,
};

/** Floors for tuning values: the client's schema enforces them, and the workflow clamps to them. */
export const tuningFloors = {
  /** The deliver activity's first retry interval; the backoff ceiling cannot be lower. */
  deliveryMaxBackoffMs: 1_000,
  /** Below a minute a short blip would dead-letter events. */
  deliveryHorizonMs: 60_000,
  deliveryBacklogMaxBytes: 16 * 1024,
} as const;

/** Ceilings for tuning values (the client's schema enforces them; the workflow clamps the backlog bound). */
export const tuningCeilings = {
  deliveryBacklogMaxBytes: 1_536 * 1024,
  deliveryHorizonMs: 30 * 24 * 3_600_000,
} as const;

/**
 * The tuning a workflow runs with: defaults for what is unset (also in snapshots from before a setting
 * existed), floors and ceilings applied (a workflow started without the client helper skips its schema).
 */
export function effectiveTuning(given: Partial<SessionTuning> = {}): SessionTuning {
  const t = { ...defaultSessionTuning, ...given };
  const clamp = (value: number, min: number, max = Number.POSITIVE_INFINITY) =>
    Math.min(max, Math.max(min, value));
  return {
    ...t,
    deliveryMaxBackoffMs: clamp(t.deliveryMaxBackoffMs, tuningFloors.deliveryMaxBackoffMs),
    deliveryHorizonMs: clamp(t.deliveryHorizonMs, tuningFloors.deliveryHorizonMs),
    deliveryBacklogMaxBytes: clamp(
      t.deliveryBacklogMaxBytes,
      tuningFloors.deliveryBacklogMaxBytes,
      tuningCeilings.deliveryBacklogMaxBytes,
    ),
  };
}

/** An event the channel's webhook did not take: refused for good, or not taken within the horizon. */
export interface DeadLetter {
  event: SessionEvent;
  reason: string;
  /** When it became a dead letter. */
  at: string;
}

export interface DeadLettersView {
  /** Kept dead letters, oldest first (the event bodies of the newest ones, within a size budget). */
  deadLetters: DeadLetter[];
  /** Every dead letter so far, including ones no longer kept. */
  total: number;
  /** Dead letters no longer kept: the oldest go first when the kept ones pass the size budget. */
  dropped: number;
}

export type SessionStatus = 'starting' | 'queued' | 'chatting' | 'reconnecting' | 'ending' | 'ended';

/** A userData value: flat on the wire (GMS `userData[key]=value`). */
export type UserDataValue = string | number | boolean;

/**
 * Customer → agent actions. Callers wait for the vendor's acceptance of `message`, `file`,
 * `updateUserData` and `end`; typing and custom events are fire-and-forget.
 */
export type OutboundCommand =
  | { kind: 'message'; text: string }
  /** A file the bridge fetches from `url` and uploads to the vendor: its bytes never enter history. */
  | { kind: 'file'; url: string; fileName: string; contentType?: string }
  /** Merges data into what the vendor holds for the chat (GMS updateData). */
  | { kind: 'updateUserData'; userData: Record<string, UserDataValue> }
  | { kind: 'typing' }
  | { kind: 'notTyping' }
  | { kind: 'customEvent'; type: string; data: string }
  | { kind: 'end' }
  /** An agent presence: set the agent ready, not ready (busy) or resting. */
  | { kind: 'agentState'; state: AgentCommandState }
  /**
   * Queued by the session itself, never by a caller: tells the vendor its transcript replay after a
   * reconnect was processed (Live Agent ChasitorResyncState), ahead of the buffered messages.
   */
  | { kind: 'confirmReplay' };

export interface TranscriptEntry {
  from: 'customer' | 'agent' | 'system';
  text: string;
  at: string;
  /** Client message id (customer) or event id (agent). */
  ref: string;
  name?: string;
}

export interface SendMessageInput {
  /** Caller-chosen id; sending twice with the same id sends once and returns the same result. */
  clientMessageId: string;
  text: string;
}

export interface SendFileInput {
  /** Caller-chosen id, as for messages: sending twice with the same id uploads once. */
  clientMessageId: string;
  /** An http(s) URL the bridge fetches the file from (a pre-signed link, say). */
  url: string;
  fileName: string;
  contentType?: string;
}

export type AgentCommandState = 'ready' | 'notReady' | 'rest';

export interface SetAgentStateInput {
  state: AgentCommandState;
}

/** An agent presence at a glance (the `state` query's `presence`); absent for a chat. */
export interface PresenceView {
  agentId: string;
  skills: string[];
  mode: 'push' | 'poll';
  state: AgentStateName | null;
  /** Sign-ins so far: 1, plus one for each sign-out that was healed. */
  signIns: number;
  /** Sign-outs the gateway made (not the caller's own). */
  signOuts: number;
  lastEventType: string | null;
  lastSignOutReason: string | null;
}

export interface UpdateUserDataInput {
  userData: Record<string, UserDataValue>;
}

/** File requests outside the chat's ordered traffic (GMS file/limits, download, delete). */
export type FileRequest =
  | { op: 'limits' }
  /** The bridge downloads the file from the vendor and PUTs it to `putUrl` (a pre-signed link, say). */
  | { op: 'download'; fileId: string; putUrl: string }
  | { op: 'delete'; fileId: string };

/** What the vendor allows for files in this chat; null where it did not say. */
export interface FileLimits {
  maxFileSize: number | null;
  maxTotalSize: number | null;
  maxFiles: number | null;
  usedFiles: number | null;
  usedTotalSize: number | null;
  /** Allowed extensions, lower case, without the dot. */
  fileTypes: string[] | null;
  /** Uploads need an agent in the chat. */
  needAgent: boolean | null;
  downloadAttempts: number | null;
  usedDownloadAttempts: number | null;
  deleteAllowed: boolean | null;
}

export type FileRequestResult =
  | { op: 'limits'; limits: FileLimits }
  | { op: 'download'; bytes: number; contentType: string | null }
  | { op: 'delete' };

export interface SendMessageResult {
  clientMessageId: string;
  /** The vendor's outbound sequence number the message carried, for vendors that number requests; else null. */
  vendorSequence: number | null;
  acceptedAt: string;
  /** True when this call found the message already sent (an idempotent repeat). */
  duplicate: boolean;
}

export interface WaitForEventsInput {
  /** Return events with index greater than this (-1 for everything still kept). */
  afterIndex: number;
  /** Give up and return an empty list after this long (workflow time). Default 60 s. */
  timeoutMs?: number;
}

export interface WaitForEventsResult {
  events: SessionEvent[];
  /** True when events after `afterIndex` were already dropped from the kept window. */
  truncated: boolean;
  ended: boolean;
}

/** The `state` query: what an operator or a backend needs at a glance. No secrets. */
export interface SessionStateView {
  provider: string;
  customerId: string;
  /** The chat's id at the vendor (Live Agent's session id); null until the vendor session is open. */
  vendorSessionId: string | null;
  status: SessionStatus;
  agent: { name: string; id?: string } | null;
  queuePosition: number | null;
  handovers: number;
  lastHandoverAt: string | null;
  outboxSize: number;
  pendingDeliveries: number;
  lastEventIndex: number;
  deliveredThrough: number;
  endReason: ChatEndReason | null;
  runs: number;
  /** Only for an agent presence. */
  presence?: PresenceView;
}

/** What the workflow returns when the chat is over. */
export interface SessionResult {
  endReason: ChatEndReason;
  messagesFromCustomer: number;
  messagesFromAgent: number;
  eventsDelivered: number;
  handovers: number;
  /**
   * What the channel's webhook had not taken when the chat ended: it moved to a deliveries workflow
   * (retried until the horizon, dead letters kept there for redrive).
   */
  undelivered?: { workflowId: string; pending: number; deadLetters: number };
}

/** An ended chat's backlog, handed to its own workflow so the business key is free for the next chat. */
export interface ChatDeliveriesInput {
  webhookUrl: string;
  sessionId: string;
  customerId: string;
  vendorSessionId?: string;
  events: SessionEvent[];
  deadLetters: DeadLettersView;
  deliveredThrough: number;
  tuning: Pick<SessionTuning, 'deliveryMaxBackoffMs' | 'deliveryHorizonMs' | 'searchAttributes'>;
}

export interface ChatDeliveriesResult {
  delivered: number;
  deadLetters: DeadLettersView;
}

export type { BridgeEvent, SessionEvent };
