// The seam every vendor implements. Activities depend on this interface only; workflows never see it.
// Credentials and cursors are opaque JSON to everything outside the provider's own folder, so a cursor
// can be an ack (Live Agent), a transcript position (GMS), a message id or an event id.
import type { BridgeEvent } from '../shared/events';
import type { OutboundCommand } from '../shared/session-types';

export type JsonObject = Record<string, unknown>;

export interface OpenSessionRequest {
  customerId: string;
  visitorName: string;
  providerOptions: JsonObject;
}

/**
 * Lets an open that failed halfway (the vendor session exists, its setup's answer was lost) be finished
 * by the retry instead of opening a second vendor session that an agent could accept.
 */
export interface OpenProgress {
  /** What the previous attempt saved, if any. */
  resume: JsonObject | undefined;
  /** Saves the half-opened session for a retry (recorded with the activity's heartbeat). */
  save(state: JsonObject): void;
}

export interface OpenedSession {
  credentials: JsonObject;
  cursor: JsonObject;
  /** A non-secret vendor session id for logs and the UI. */
  vendorSessionId: string;
  /** The outbound sequence number the session's next request carries (Live Agent: 2, after ChasitorInit). */
  firstSequence: number;
}

export interface PollContext {
  signal: AbortSignal;
  /** Called while waiting so Temporal knows the poll is alive. */
  heartbeat: () => void;
  /** How often to call `heartbeat`: a fraction of the activity's heartbeat timeout. */
  heartbeatIntervalMs: number;
  /** Return an empty batch after this long without events, so an idle session costs few history events. */
  maxWaitMs: number;
}

export interface PollBatch {
  events: BridgeEvent[];
  cursor: JsonObject;
}

export interface ReconnectedSession {
  credentials: JsonObject;
  /** The vendor restarted its outbound sequence (Live Agent resetSequence). */
  resetSequence: boolean;
  /**
   * The next poll replays the session's transcript (Live Agent ChasitorSessionData) as a `reconnected`
   * event; buffered messages are resent only after it, so one the vendor already holds is not sent twice.
   */
  awaitsTranscriptReplay: boolean;
}

export interface ChatProvider {
  readonly name: string;
  open(request: OpenSessionRequest, signal: AbortSignal, progress?: OpenProgress): Promise<OpenedSession>;
  poll(credentials: JsonObject, cursor: JsonObject, context: PollContext): Promise<PollBatch>;
  send(
    credentials: JsonObject,
    command: OutboundCommand,
    sequence: number,
    signal: AbortSignal,
  ): Promise<void>;
  reconnect(credentials: JsonObject, cursor: JsonObject, signal: AbortSignal): Promise<ReconnectedSession>;
  /** A key that identifies the vendor session, for the per-process "one poll at a time" guard. */
  sessionKeyOf(credentials: JsonObject): string;
}
