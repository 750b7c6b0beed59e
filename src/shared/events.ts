// The project's own event vocabulary: what any vendor's agent side can tell the customer's channel.
// Providers map their wire messages to these; workflows and channel webhooks only ever see these.

export type BridgeEvent =
  | { kind: 'messageReceived'; text: string; agentName?: string }
  | { kind: 'queueUpdate'; position: number; estimatedWaitSeconds?: number }
  | { kind: 'agentConnected'; agentName: string; agentId?: string }
  | { kind: 'agentTyping' }
  | { kind: 'agentNotTyping' }
  | { kind: 'agentDisconnected' }
  | { kind: 'transferred'; agentName?: string; agentId?: string; toQueue?: boolean }
  | { kind: 'customEvent'; type: string; data: string }
  | { kind: 'fileTransferRequested'; status: string; uploadUrl?: string; fileToken?: string }
  /** The agent shared a file; fetch it with the client's `downloadFile` (GMS FileUploaded). */
  | {
      kind: 'fileShared';
      fileId: string;
      fileName: string;
      fileSize?: number;
      contentType?: string;
      agentName?: string;
    }
  | { kind: 'chatEnded'; reason: ChatEndReason; detail?: string }
  /** The vendor restored the session after a handover; `customerMessages` = customer messages its transcript holds. */
  | { kind: 'reconnected'; transcriptEntries?: number; customerMessages?: number }
  /** An agent presence: the agent is signed in (again, `healed`, after a sign-out the caller did not ask for). */
  | {
      kind: 'agentSignedIn';
      agentId: string;
      skills: string[];
      mode: 'push' | 'poll';
      forced: boolean;
      healed: boolean;
    }
  /** An agent presence: the gateway signed the agent out (a missed heartbeat, an inspector, a failover). */
  | { kind: 'agentSignedOut'; agentId: string; reason: string }
  /**
   * An agent presence: one gateway event as the gateway sent it (Huawei `AgentState_*`, `AgentOther_*`,
   * `AgentEvent_*`), with the agent state it implies.
   */
  | { kind: 'agentEvent'; eventType: string; state?: AgentStateName; content?: unknown; genTime?: number }
  | { kind: 'serverWentOffline' }
  | { kind: 'serverBackOnline' }
  /**
   * A vendor message we do not map, as the vendor sent it; or one too deep or too large to record, then
   * `raw` is `{dropped: true, reason: 'tooDeep' | 'tooLarge' | 'batchTooLarge', …}` (src/hub/bound-event.ts).
   */
  | { kind: 'unknown'; vendorType: string; raw: unknown };

export type BridgeEventKind = BridgeEvent['kind'];

/** An agent's state as an agent presence reports it (search attribute `AgentState`, the `state` query). */
export type AgentStateName = 'ready' | 'notReady' | 'rest' | 'talking' | 'ringing' | 'wrapUp' | 'signedOut';

/** Why a chat ended; `vendorSessionExpired` and `bridgeError` are the bridge's own. */
export type ChatEndReason =
  | 'agent'
  | 'client'
  | 'requestFailed'
  | 'vendorSessionExpired'
  | 'vendorConflict'
  | 'bridgeError'
  | (string & {});

/**
 * An event as the session recorded it: `index` orders it within the session, `id` is its idempotency key
 * (stable across delivery retries, worker crashes and continue-as-new; never reused for another event).
 */
export interface SessionEvent {
  id: string;
  index: number;
  at: string;
  event: BridgeEvent;
}
