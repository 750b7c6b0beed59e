// What a vendor needs from a session, as plain data: how events reach us, what keeps the vendor session
// alive, whether outbound requests are numbered, and what a reconnect changes. The open activity returns
// it, the workflow keeps it in its state and reads it; no vendor name appears in the session core.
// docs/session-core.md maps every vendor style we know onto these fields.

export type VendorTransport =
  /** One request held open by the server until events arrive (Live Agent Messages). */
  | 'longPoll'
  /** A request answered at once, repeated at `receiveIntervalMs` (Genesys GMS refresh, Huawei agentevent). */
  | 'shortPoll'
  /** A server-sent event stream, resumable by event id (Salesforce Enhanced Chat). */
  | 'eventStream'
  /** A socket the server pushes events on (Genesys Cloud notifications, Genesys Web Messaging). */
  | 'webSocket';

export interface VendorProfile {
  transport: VendorTransport;
  /** Pause between two receive rounds. 0 for transports that hold or stream. */
  receiveIntervalMs: number;
  /**
   * A request the vendor needs besides receiving (Huawei handshake, Genesys `echo`), and how often;
   * null when receiving alone keeps the session alive.
   */
  keepAliveEveryMs: number | null;
  /**
   * The longest the vendor keeps a session without a receive or keep-alive. The hub's re-homing budget
   * (heartbeat timeout + reassignment) must stay well under it.
   */
  silenceLimitMs: number;
  /**
   * The connection learns credentials the session records only with events (a Huawei GUID that rotates
   * every minute): outbound requests go through the worker whose hub holds the connection, which knows
   * the newest ones, and through any worker only when that one does not pick them up.
   */
  sendWhereHeld?: boolean;
  /** Outbound requests carry a number the vendor uses to drop repeats (Live Agent X-LIVEAGENT-SEQUENCE). */
  outboundSequence: boolean;
  afterReconnect: {
    /** The outbound numbering starts again at 1 with the new credentials. */
    restartsSequence: boolean;
    /**
     * The vendor replays its transcript as the first event after a reconnect (a `reconnected` event);
     * buffered outbound messages wait for it so one the vendor already holds is not sent twice.
     */
    replaysTranscript: boolean;
  };
}
