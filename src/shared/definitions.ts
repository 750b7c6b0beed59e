// Signals, updates and queries of the chat session workflow, defined once for the workflow,
// the client helpers and the tests (samples-typescript's shared.ts idiom).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  DeadLettersView,
  FileRequest,
  FileRequestResult,
  OutboundCommand,
  SendFileInput,
  SendMessageInput,
  SendMessageResult,
  SessionResult,
  SessionStateView,
  StartSessionInput,
  TranscriptEntry,
  UpdateUserDataInput,
  SetAgentStateInput,
  WaitForEventsInput,
  WaitForEventsResult,
} from './session-types';
import type {
  AdoptConnectionRequest,
  AttachConnectionInput,
  ConnectionLostSignal,
  EventsDeliveredSignal,
  HubMembershipSignal,
  VendorEventsBatch,
  VendorEventsRecorded,
} from './hub-types';

export const chatSessionWorkflowType = 'chatSession';
/**
 * An agent presence (Huawei CC-Gateway): the same session core with the agent's sign-in as its vendor
 * side, under its own type so operators can list agents apart from chats.
 */
export const agentPresenceWorkflowType = 'agentPresence';

/** The chat session workflow's signature, for typed handles (the client never imports workflow code). */
export type ChatSessionWorkflow = (input: StartSessionInput, resume?: unknown) => Promise<SessionResult>;

/** A vendor credential stopped working (Live Agent 503, a socket closing, a rotated token). `generation` is the credential generation that failed. */
export interface HandoverSignal {
  generation: number;
  reason: string;
  /**
   * The session's new credentials, when the vendor named them in a reply (a GMS alias change): the
   * reconnect starts from these. Absent when the credential simply stopped working (a 503 failover).
   */
  credentials?: Record<string, unknown>;
  /**
   * The chat this comes from (its first run id). A newer chat under the same business key ignores it:
   * signals address the workflow id, and a link of the customer's previous chat may still be talking.
   */
  chatUid?: string;
}
export const handoverSignal = defineSignal<[HandoverSignal]>('handover');

/** Customer typing indicators and custom events: fire-and-forget, sent in order with messages. */
export const customerActivitySignal =
  defineSignal<
    [
      Exclude<
        OutboundCommand,
        { kind: 'message' | 'file' | 'updateUserData' | 'agentState' | 'end' | 'confirmReplay' }
      >,
    ]
  >('customerActivity');

/** Customer message → vendor. Resolves when the vendor accepted it; idempotent by clientMessageId. */
export const sendMessageUpdate = defineUpdate<SendMessageResult, [SendMessageInput]>('sendMessage');

/**
 * Customer file → vendor, by reference: the bridge fetches `url` and uploads it. Ordered with messages,
 * idempotent by clientMessageId; resolves when the vendor accepted the file.
 */
export const sendFileUpdate = defineUpdate<SendMessageResult, [SendFileInput]>('sendFile');

/** Merges userData into what the vendor holds for the chat, in order with messages. */
export const updateUserDataUpdate = defineUpdate<{ acceptedAt: string }, [UpdateUserDataInput]>(
  'updateUserData',
);

/**
 * An agent presence: set the agent ready, not ready or resting, in order with the presence's other
 * commands. Resolves when the gateway accepted it; refused typed (AgentSignedOut, VendorRequestRejected).
 */
export const setAgentStateUpdate = defineUpdate<{ acceptedAt: string }, [SetAgentStateInput]>(
  'setAgentState',
);

/** File limits, download (to a URL the caller gives) and delete: vendor requests with the session's credentials. */
export const fileRequestUpdate = defineUpdate<FileRequestResult, [FileRequest]>('fileRequest');

/** The customer ends the chat. Resolves when the vendor accepted the end. */
export const endChatUpdate = defineUpdate<{ endedAt: string }, []>('endChat');

/** Long-poll for events after a cursor, for consumers that pull instead of receiving the webhook. */
export const waitForEventsUpdate = defineUpdate<WaitForEventsResult, [WaitForEventsInput]>('waitForEvents');

export const stateQuery = defineQuery<SessionStateView>('state');
export const transcriptQuery = defineQuery<TranscriptEntry[]>('transcript');
/** The kept events after an index; unlike `waitForEvents` it also answers once the workflow has completed. */
export const eventsAfterQuery = defineQuery<WaitForEventsResult, [number]>('eventsAfter');

// ---- the connection hub ----

export const connectionHubWorkflowType = 'connectionHub';

/**
 * Hub → session: events the vendor sent, recorded once by the session. An update, so the hub learns
 * whether the session took the batch: a stale one (an old attachment) is refused by the validator,
 * leaves no trace in history, and the hub lets go without acknowledging it to the vendor.
 */
export const vendorEventsUpdate = defineUpdate<VendorEventsRecorded, [VendorEventsBatch]>('vendorEvents');

/**
 * A live hub → a lost hub's session: the live hub takes the connection over where the session's record
 * stands (one update, no attach activity), so a dead worker's sessions poll again within seconds.
 * Refused (nothing written) unless the session is attached to the lost hub right now.
 */
export const adoptConnectionUpdate = defineUpdate<AttachConnectionInput, [AdoptConnectionRequest]>(
  'adoptConnection',
);

/** Hub → session: what the hub delivered, when no later batch carries it (and whether it hands the rest back). */
export const eventsDeliveredSignal = defineSignal<[EventsDeliveredSignal]>('eventsDelivered');

/** Hub (or a dead hub's lease workflow) → session: the vendor connection is no longer held. */
export const connectionLostSignal = defineSignal<[ConnectionLostSignal]>('connectionLost');

/** Hub → its lease workflow: sessions attached and detached since the last report. */
export const hubMembershipSignal = defineSignal<[HubMembershipSignal]>('hubMembership');

/** Hub → its lease workflow: the hub let go of every session (graceful shutdown); nothing to re-home. */
export const hubClosedSignal = defineSignal('hubClosed');

/**
 * Events the channel's webhook did not take, on a chat session or on the deliveries workflow an ended
 * chat hands its backlog to (OPERATIONS.md, "Dead letters").
 */
export const deadLettersQuery = defineQuery<DeadLettersView>('deadLetters');

/** Operator → session or deliveries workflow: deliver the kept dead letters again (the webhook was fixed). */
export const redriveDeadLettersUpdate = defineUpdate<{ redriven: number }, []>('redriveDeadLetters');

/** The deliveries workflow: how many events still wait for the webhook. */
export const pendingDeliveriesQuery = defineQuery<number>('pendingDeliveries');

export const chatDeliveriesWorkflowType = 'chatDeliveries';
