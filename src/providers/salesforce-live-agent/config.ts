// Live Agent deployment settings: where the chat endpoint is and which org/deployment/button to use.
// These are worker configuration (environment), not session input; a session may override the button.
export interface LiveAgentConfig {
  /** Chat API endpoint including the `/chat/rest/` suffix. */
  baseUrl: string;
  /** Sent as X-LIVEAGENT-API-VERSION. ReconnectSession needs 37 or later. */
  apiVersion: string;
  organizationId: string;
  deploymentId: string;
  buttonId: string;
  /** Timeout for every request except the long poll (whose limit is the vendor's clientPollTimeout). */
  requestTimeoutMs: number;
  /** The largest answer read; reading a body also ends after `requestTimeoutMs`, however slow it is. */
  maxBodyBytes: number;
}

/** Credentials of one Live Agent session: secret, carried through the workflow (encrypted by the codec). */
export interface LiveAgentCredentials {
  [key: string]: unknown;
  sessionId: string;
  key: string;
  affinityToken: string;
  clientPollTimeoutSec: number;
}

/** Poll cursor: `ack` = the last 200's `sequence`; `offset` = the offset of the last response with messages. */
export interface LiveAgentCursor {
  [key: string]: unknown;
  ack: number;
  offset: number | null;
}
