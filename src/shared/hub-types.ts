// Plain-JSON shapes exchanged between a session workflow, the connection hub (in each worker process)
// and the hub's lease workflow. docs/session-core.md walks through how they fit together.
import type { SessionEvent } from './events';

type Json = Record<string, unknown>;

/** What a hub needs to hold one session's vendor connection. */
export interface AttachConnectionInput {
  sessionWorkflowId: string;
  /** The session's event-id prefix (its first run's id): ids are `<sessionUid>:<index>`. */
  sessionUid: string;
  /** Prefix of event ids when it is not `sessionUid` (the session was reset by an operator). */
  eventIdPrefix?: string;
  provider: string;
  credentials: Json;
  /** The cursor the session has recorded: the hub receives from here. */
  cursor: Json;
  /** The session's credential generation; a handover the hub reports names it. */
  generation: number;
  /** Names this attachment; signals from an older one are ignored by the session. */
  epoch: number;
  /** The index the next recorded event gets, so the hub names events exactly as the session will. */
  nextEventIndex: number;
  /** Deliver to the channel directly (the session has nothing older still undelivered), or null. */
  delivery: { webhookUrl: string; customerId: string; vendorSessionId?: string } | null;
  /**
   * Recorded events an earlier attachment was delivering but never confirmed: the hub delivers them
   * first, in order, under their keys (with `delivery` only).
   */
  redeliver?: SessionEvent[];
}

export interface AttachConnectionResult {
  hubId: string;
  /** The task queue only this hub's worker polls: re-attaching there replaces the old connection in place. */
  hubTaskQueue: string;
}

/**
 * Hub → session (`vendorEvents` update): a batch received from the vendor, named. The hub delivers it to
 * the channel only after the session recorded it, so a key never names an event the session refused.
 */
export interface VendorEventsBatch {
  hubId: string;
  epoch: number;
  generation: number;
  /** Index of `events[0]`; equals the session's next index unless the batch is stale. */
  firstIndex: number;
  events: SessionEvent[];
  /** The vendor cursor after these events. */
  cursor: Json;
  /**
   * Highest event index this attachment has delivered to the channel (from batches recorded earlier), or
   * -1 when it delivered none. Batches from before record-then-deliver (no `hubDelivers`) counted this
   * batch's own events too.
   */
  deliveredThrough: number;
  /** The hub delivers this batch itself once recorded; false leaves it to the session's delivery lane. */
  hubDelivers?: boolean;
  /**
   * The chat this comes from (its first run id). A newer chat under the same business key ignores it:
   * signals address the workflow id, and a link of the customer's previous chat may still be talking.
   */
  chatUid?: string;
}

/** The session's answer to a batch it recorded. */
export interface VendorEventsRecorded {
  /** The last recorded index (events after a chat's end are not recorded). */
  recordedThrough: number;
  /** The hub delivers the recorded events through here itself; -1: the session's delivery lane does. */
  deliverThrough: number;
}

/**
 * Hub → session (`eventsDelivered` signal): what an attachment delivered since its last report. Sent
 * when no later batch carries it: the chat ended, the connection ends, or a delivery failed and the hub
 * hands the rest back (`handBack`) to the session's delivery lane.
 */
export interface EventsDeliveredSignal {
  hubId: string;
  epoch: number;
  /** Highest event index this attachment delivered, or -1. */
  deliveredThrough: number;
  handBack: boolean;
  /**
   * The chat this comes from (its first run id). A newer chat under the same business key ignores it:
   * signals address the workflow id, and a link of the customer's previous chat may still be talking.
   */
  chatUid?: string;
}

export type ConnectionLostReason =
  /** The hub's worker died or was partitioned: its lease workflow says so. Attach anywhere. */
  | 'hubLost'
  /** The hub's worker is shutting down and let go of the session. Attach anywhere. */
  | 'draining'
  /** The vendor no longer knows the session. */
  | 'sessionGone'
  /** A second connection reached the vendor, which killed the chat. */
  | 'conflict'
  /** The connection failed in a way retries cannot fix (a body that stays malformed). */
  | 'failed';

/** Hub or hub lease workflow → session: the attachment ended. */
export interface ConnectionLostSignal {
  hubId: string;
  /** The attachment that ended; absent when a dead hub's lease workflow reports all its sessions at once. */
  epoch?: number;
  reason: ConnectionLostReason;
  message: string;
  /** The failure type behind `failed`, for the session's own failure. */
  failureType?: string;
  /** Highest event index the attachment delivered to the channel, when it delivered any. */
  deliveredThrough?: number;
  /**
   * The chat this comes from (its first run id). A newer chat under the same business key ignores it:
   * signals address the workflow id, and a link of the customer's previous chat may still be talking.
   */
  chatUid?: string;
}

/**
 * A live hub → a lost hub's session (`adoptConnection` update): "I hold your connection from now on".
 * The session accepts only while the lost hub is the one it is attached to, issues a new attachment and
 * returns it, so the adopting hub resumes from the recorded cursor without the session attaching anew.
 */
export interface AdoptConnectionRequest {
  /** The hub whose lease was lost. */
  fromHubId: string;
  hubId: string;
  hubTaskQueue: string;
}

/**
 * Credentials a hub's connection uses that the session has not recorded (rotated by the vendor without
 * a write each time: a Huawei GUID), and the generation they belong to. The hub's lease heartbeat
 * carries them by session workflow id (`LeaseHeartbeat`), so the re-homing of a dead hub hands them on
 * with a `handover` signal.
 */
export interface LearnedCredentials {
  generation: number;
  credentials: Json;
}

/** The hub lease activity's heartbeat details. */
export interface LeaseHeartbeat {
  sessions: number;
  learned?: Record<string, LearnedCredentials>;
}

/** Hub → its lease workflow: which sessions it holds, so a dead hub's sessions can be told to move. */
export interface HubMembershipSignal {
  attached: string[];
  detached: string[];
}

export interface ConnectionHubInput {
  hubId: string;
  hubTaskQueue: string;
  /** Session workflow ids the hub holds (carried across continue-as-new). */
  members?: string[];
  /** How long one lease activity runs before the workflow renews it. */
  leaseMs?: number;
  heartbeatTimeoutMs?: number;
}
