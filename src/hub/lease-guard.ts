// Fencing: a hub may hold vendor connections only while the server still counts its lease activity as
// alive. The server re-homes a hub's sessions once the lease's heartbeat timeout passes, so the hub must
// have let go of every connection before then — also when it is cut off from the server (a partition),
// where no cancellation can reach it. It reads its own lease (a describe, no history write) every second
// and fences itself when the last heartbeat the server recorded is about to time out.
// Assumes worker and server clocks agree within `marginMs` (NTP).

export interface LeaseReading {
  /** The lease workflow is still running. */
  running: boolean;
  /** Server time of the lease activity's last heartbeat, or of its start; undefined between leases. */
  lastBeatAt: number | undefined;
}

export class LeaseGuard {
  private validUntil: number;
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(
    private readonly read: () => Promise<LeaseReading>,
    private readonly heartbeatTimeoutMs: number,
    private readonly onFence: (reason: string) => void,
    private readonly marginMs = 2_000,
    private readonly everyMs = 1_000,
    private readonly clock: () => number = Date.now,
  ) {
    // Until the first reading, trust the start: the lease workflow was started just now.
    this.validUntil = clock() + heartbeatTimeoutMs - marginMs;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check: read the lease, then fence if it is (about to be) lost. Exposed for tests. */
  async check(now = this.clock): Promise<void> {
    if (this.reading) return this.fenceIfExpired(now());
    this.reading = true;
    try {
      const lease = await this.read();
      if (!lease.running) return this.fence('the hub lease workflow is no longer running');
      // Between two lease activities no heartbeat timer runs on the server: nothing can re-home yet.
      const base = lease.lastBeatAt ?? now();
      this.validUntil = Math.max(this.validUntil, base + this.heartbeatTimeoutMs - this.marginMs);
    } catch {
      // No answer: the lease may be timing out on the server right now. Keep the last known deadline.
    } finally {
      this.reading = false;
    }
    this.fenceIfExpired(now());
  }

  private fenceIfExpired(now: number): void {
    if (now > this.validUntil) this.fence('no confirmed hub lease heartbeat within the heartbeat timeout');
  }

  private fence(reason: string): void {
    this.stop();
    this.onFence(reason);
  }
}
