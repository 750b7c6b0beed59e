// The small simulator interface the contract suite is written against. Each vendor adapts its own
// strict simulator to it (test/contract/vendors/); the scenarios never name a vendor.

export interface ContractStats {
  /** Requests the vendor refused because a second connection for one session reached it (409s). */
  conflicts: number;
  /** Sessions the vendor expired for silence. */
  expired: number;
  /** Most connections (polls, streams) one session ever had open at once. */
  maxConcurrentConnections: number;
  /** Longest time a live session had no connection open (ms). */
  maxGapMs: number;
}

export interface ContractSimulator {
  /** The provider name sessions start with. */
  readonly provider: string;
  /** Worker environment variables that enable this vendor against this simulator. */
  workerEnv(): Record<string, string>;
  /** The vendor's id of the only session, once the bridge has opened it. */
  onlySessionId(): Promise<string>;
  accept(id: string, agentName: string): void;
  agentSays(id: string, text: string): void;
  endChat(id: string): void;
  /** Makes the session's credential stop working: the bridge must hand over (failover, token rotation). */
  forceHandover(id: string): void;
  /** Customer texts the vendor holds for the session, in order. */
  customerTexts(id: string): string[];
  /** Why the vendor ended the session, if it did ('client' when the customer ended it). */
  endReason(id: string): string | undefined;
  /** True while the bridge holds a connection to the session. */
  connectionOpen(id: string): boolean;
  stats(): ContractStats;
  /** How long the vendor keeps a session without a connection (its expiry), with the timings started. */
  readonly expiryMs: number;
  close(): Promise<void>;
}

export interface ContractVendor {
  readonly name: string;
  /**
   * `realistic`: the vendor's real timings (long holds, a session timeout of tens of seconds), for the
   * worker-crash scenario; otherwise compressed timings so a test sees several receives in seconds.
   */
  start(options?: { realistic?: boolean }): Promise<ContractSimulator>;
}
