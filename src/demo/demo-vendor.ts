// The vendor side of the demo, one implementation per vendor (`--vendor`): the simulator, the worker
// variables that enable it, and the scripted agent. The demo's story (a failover, a worker SIGKILL) is
// the same for each; what a failover is differs (a Live Agent 503, a GMS alias change).

export interface DemoVendor {
  /** The provider name sessions start with. */
  readonly provider: string;
  /** Worker variables that enable this vendor against the simulator (on top of the local defaults). */
  workerEnv(): Record<string, string>;
  describe(): string;
  /** Waits for the bridge to open the vendor session; returns its id. */
  waitForSession(waitUntil: (what: string, check: () => boolean) => Promise<void>): Promise<string>;
  /** The customer waits in the queue, then the agent accepts. */
  queueThenAccept(id: string, agentName: string): Promise<void>;
  agentSays(id: string, text: string): void;
  /** The vendor moves the session: the bridge must hand over. */
  failover(id: string): string;
  /** True while the bridge holds the session's connection (a poll open, refreshes coming). */
  connectionHeld(id: string): boolean;
  endChat(id: string): void;
  /** What the vendor accepted from the customer, in order. */
  customerTexts(id: string): string[];
  /** One line of the vendor's own counts for the summary. */
  statsLine(): string;
  close(): Promise<void>;
}
