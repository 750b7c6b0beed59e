// The seam every vendor implements. Activities and the connection hub depend on this interface only;
// workflows never see it (they read the vendor's profile, plain data, from the open activity's result).
// Credentials and cursors are opaque JSON to everything outside the provider's own folder, so a cursor
// can be an ack (Live Agent), a transcript position (GMS), a message id or an event id.
import type { BridgeEvent } from '../shared/events';
import type { FileRequest, FileRequestResult, OutboundCommand } from '../shared/session-types';
import type { VendorProfile } from '../shared/vendor-profile';

export type JsonObject = Record<string, unknown>;
export type { VendorProfile };

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
  /** The number the session's next outbound request carries, when the profile says requests are numbered. */
  firstSequence: number;
  profile: VendorProfile;
}

export interface ReceivedBatch {
  events: BridgeEvent[];
  /** The cursor after these events. Committed (acknowledged) only once the session recorded them. */
  cursor: JsonObject;
}

/**
 * The receiving side of one vendor session, held by the connection hub. The hub calls `next` in a loop,
 * one call at a time, each with the cursor the session has recorded; a long poll makes one request per
 * call, a stream returns what arrived since the last call (opening or resuming the stream as needed).
 */
export interface VendorConnection {
  /**
   * Waits for the next events after `cursor`. Resolves an empty batch when the vendor had nothing
   * (a 204, an idle interval); throws typed vendor failures. Must end promptly when `signal` aborts.
   */
  next(cursor: JsonObject, signal: AbortSignal): Promise<ReceivedBatch>;
  /** Releases what the connection holds (a stream, a socket). */
  close(): void;
  /**
   * Credentials the vendor rotated since the session recorded them, that the connection uses without a
   * write per rotation (a Huawei GUID every 60 s): the hub's lease heartbeat carries them, so a hub that
   * dies hands them to the re-homing, and a draining hub hands them over with a `handover` signal.
   */
  learnedCredentials?(): JsonObject | undefined;
}

/** What lets the vendor drop a repeated outbound request: a retry always carries the same stamp. */
export interface OutboundStamp {
  /** The outbound sequence number; null for vendors whose profile has no outbound sequence. */
  sequence: number | null;
  /** Stable per outbound item (the caller's clientMessageId, or a session-local id), for vendors that dedupe by key. */
  idempotencyKey: string;
  /**
   * An earlier request for this item may have reached the vendor (a retried activity, or an item whose
   * last send failed). Vendors with no way to drop a repeat check their transcript first.
   */
  mayRepeat?: boolean;
  /** How many of the chat's customer messages the vendor accepted before this item. */
  customerMessagesBefore?: number;
}

/** A file request's answer, and the new credentials a reply named on the way (a GMS alias change). */
export interface FileRequestOutcome {
  result: FileRequestResult;
  credentials?: JsonObject;
}

/** What a send learned besides success. */
export interface SendOutcome {
  /** The vendor named new credentials for the session in its reply (a GMS alias change). */
  credentials?: JsonObject;
}

/**
 * Thrown by a connection whose vendor named new credentials in a reply (a GMS alias change): the hub
 * hands them to the session with the `handover` signal, and the session reconnects from them.
 */
export class VendorCredentialsChanged extends Error {
  override readonly name = 'VendorCredentialsChanged';
  constructor(
    readonly credentials: JsonObject,
    message: string,
  ) {
    super(message);
  }
}

export interface ReconnectedSession {
  credentials: JsonObject;
  /** The cursor to receive from after the reconnect (unchanged for most vendors). */
  cursor?: JsonObject;
  /**
   * The vendor wants to hear, with a `confirmReplay` send, that its transcript replay was processed;
   * only when the caller asked for it with `confirmReplayLater`.
   */
  confirmsReplay?: boolean;
}

export interface ReconnectOptions {
  /**
   * Leave the vendor's "replay processed" request to a later `confirmReplay` send instead of making it
   * here. Sessions that started before that send existed do not ask (their history has no room for it).
   */
  confirmReplayLater?: boolean;
  /**
   * The caller asked to end the session and the end is still to be sent: restore only what sending it
   * needs, start nothing new (a Huawei agent the gateway signed out is not signed in again).
   */
  endRequested?: boolean;
  /**
   * What an earlier attempt of this reconnect saved (recorded with the activity's heartbeat): a retry
   * after its worker died resumes from it instead of repeating a step the vendor already took (a Huawei
   * sign-in, which a second time would meet 100-002 "signed in elsewhere" from our own sign-in).
   */
  progress?: OpenProgress;
}

export interface ChatProvider {
  readonly name: string;
  readonly profile: VendorProfile;
  open(request: OpenSessionRequest, signal: AbortSignal, progress?: OpenProgress): Promise<OpenedSession>;
  connect(credentials: JsonObject): VendorConnection;
  /** The keep-alive request, for vendors whose profile has `keepAliveEveryMs`. */
  keepAlive?(credentials: JsonObject, signal: AbortSignal): Promise<void>;
  send(
    credentials: JsonObject,
    command: OutboundCommand,
    stamp: OutboundStamp,
    signal: AbortSignal,
  ): Promise<void | SendOutcome>;
  reconnect(
    credentials: JsonObject,
    cursor: JsonObject,
    signal: AbortSignal,
    options?: ReconnectOptions,
  ): Promise<ReconnectedSession>;
  /**
   * File limits, download (to the caller's URL) and delete, for vendors with file transfer (GMS). Vendors
   * without it leave it out: the request is refused, typed.
   */
  fileRequest?(
    credentials: JsonObject,
    request: FileRequest,
    signal: AbortSignal,
  ): Promise<FileRequestOutcome>;
  /** A key that identifies the vendor session, for the per-process "one connection at a time" guard. */
  sessionKeyOf(credentials: JsonObject): string;
  /** Releases what the provider serves (a push callback server) when the worker shuts down. */
  close?(): Promise<void>;
}
