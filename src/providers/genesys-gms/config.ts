// GMS deployment settings (docs/protocols/genesys-gms.md §1, §5). Worker configuration, not session input.
import type { GmsHttpConfig } from './http-client';

export interface GmsConfig extends GmsHttpConfig {
  /** The largest file the bridge fetches for an upload or downloads (its bytes sit in worker memory). */
  maxFileBytes: number;
  /** Pause between two refreshes of one chat: GMS answers at once, it never holds a request. */
  refreshIntervalMs: number;
  /**
   * The Chat Server's `flex-disconnect-timeout`: a client silent this long is logged out (8209). 300 s
   * by default; the GMS deployment guide also names 45 s, so it is a setting.
   */
  flexDisconnectTimeoutMs: number;
  /** Failed refreshes in a row that tell the channel the chat server went offline (Widgets `pollExceptionLimit`). */
  pollExceptionLimit: number;
}

/** The durable cursor: the `nextPosition` of the last recorded refresh (1 = the whole transcript). */
export interface GmsCursor {
  [key: string]: unknown;
  transcriptPosition: number;
  /** The agents in the chat at that position, [participant id, nickname]: a transfer is read from them. */
  agents?: Array<[string, string]>;
  /** The channel heard `serverWentOffline` and not yet `serverBackOnline`. */
  offline?: boolean;
}
