// For webhook receivers: after verifyDelivery() succeeds, reject a request seen before. Key it on the
// signed event id (verifyDelivery's `key`), never on an unsigned header. Two windows matter: a captured
// request stays valid until its signature timestamp leaves the tolerance window, and the bridge retries
// an event (re-signed, with a new timestamp) for as long as its delivery horizon. So each key is
// remembered for `rememberSeconds` (default 3 days, the bridge's default horizon) after the last
// signature seen for it. Memory is bounded: when full of unexpired keys the guard refuses new ones
// (answer 503, the bridge retries) rather than forgetting a key early.
//
// A key is first *in progress*, then *done*: call done(key) once the event is processed, or release(key)
// if processing failed, so the bridge's retry is processed instead of being answered as a duplicate.
export type ReplayVerdict =
  /** `lease`: pass it to done() or release(), so a request whose lease was taken over cannot touch the key. */
  | { ok: true; lease: number }
  | { ok: false; reason: 'duplicate' | 'inProgress' | 'stale' | 'invalid' | 'capacity'; message: string };

export interface ReplayGuardOptions {
  /** Same window as verifySignature's toleranceSeconds (default 300). */
  toleranceSeconds?: number;
  /**
   * How long a key is remembered after its latest signature (default 259 200 = 3 days): at least the
   * bridge's delivery horizon, so a retry that comes hours later is still answered as a duplicate.
   */
  rememberSeconds?: number;
  /** Most keys remembered at once (default 100 000). */
  maxEntries?: number;
  /** How long one request may process before a retry of its key may take over (default 60; at most rememberSeconds). */
  processingLeaseSeconds?: number;
  /** Unix seconds; injectable for tests. */
  nowSeconds?: () => number;
}

export class ReplayGuard {
  private readonly tolerance: number;
  private readonly remember: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** key → until when a replay of it passes the timestamp check, whether it is done, and until when the
   * request processing it keeps it (a receiver that crashed mid-processing never calls release). */
  private readonly seen = new Map<
    string,
    { expiresAt: number; done: boolean; leaseUntil: number; lease: number }
  >();
  private leases = 0;
  private readonly lease: number;
  private nextSweepAt = 0;

  constructor(options: ReplayGuardOptions = {}) {
    this.tolerance = options.toleranceSeconds ?? 300;
    this.remember = Math.max(this.tolerance, options.rememberSeconds ?? 3 * 24 * 3600);
    this.maxEntries = options.maxEntries ?? 100_000;
    this.lease = options.processingLeaseSeconds ?? Math.min(60, this.remember);
    this.now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    for (const [name, value] of Object.entries({
      toleranceSeconds: this.tolerance,
      rememberSeconds: this.remember,
      maxEntries: this.maxEntries,
      processingLeaseSeconds: this.lease,
    })) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new TypeError(`ReplayGuard: ${name} must be a positive integer`);
      }
    }
    // A lease longer than the key is remembered would let a stuck request's key be forgotten mid-lease.
    if (this.lease > this.remember) {
      throw new TypeError(
        `ReplayGuard: processingLeaseSeconds (${this.lease}) must not exceed rememberSeconds (${this.remember})`,
      );
    }
  }

  get size(): number {
    return this.seen.size;
  }

  /**
   * `timestamp`: the verified signature's `t` (unix seconds). `ok`: process the event, then done(key) or
   * release(key). `duplicate`: already processed, answer 2xx so a bridge retry stops. `inProgress`: the
   * same event is being processed right now, answer 409 or 503 (the bridge retries). `capacity`: 503.
   */
  check(idempotencyKey: string, timestamp: number): ReplayVerdict {
    if (!idempotencyKey) return { ok: false, reason: 'invalid', message: 'missing idempotency key' };
    if (!Number.isInteger(timestamp))
      return { ok: false, reason: 'invalid', message: 'timestamp is not unix seconds' };
    const now = this.now();
    if (Math.abs(now - timestamp) > this.tolerance) {
      return { ok: false, reason: 'stale', message: 'signature timestamp outside tolerance' };
    }
    this.sweep(now);
    const expiresAt = timestamp + this.remember;
    const known = this.seen.get(idempotencyKey);
    if (known !== undefined && (known.expiresAt >= now || (!known.done && now <= known.leaseUntil))) {
      // A retry re-signs with a newer timestamp: that request is replayable for longer.
      known.expiresAt = Math.max(known.expiresAt, expiresAt);
      if (known.done) {
        return {
          ok: false,
          reason: 'duplicate',
          message: `idempotency key ${idempotencyKey} already processed`,
        };
      }
      if (now <= known.leaseUntil) {
        return {
          ok: false,
          reason: 'inProgress',
          message: `idempotency key ${idempotencyKey} is being processed`,
        };
      }
      // Its processing never finished (no done, no release): this retry takes over.
      known.leaseUntil = now + this.lease;
      known.lease = ++this.leases;
      return { ok: true, lease: known.lease };
    }
    if (this.seen.size >= this.maxEntries) {
      this.sweep(now, true);
      if (this.seen.size >= this.maxEntries) {
        return {
          ok: false,
          reason: 'capacity',
          message: `more than ${this.maxEntries} keys inside the window`,
        };
      }
    }
    const lease = ++this.leases;
    this.seen.set(idempotencyKey, { expiresAt, done: false, leaseUntil: now + this.lease, lease });
    return { ok: true, lease };
  }

  /** The event of `idempotencyKey` was processed under `lease`: later copies are duplicates. */
  done(idempotencyKey: string, lease: number): void {
    const known = this.seen.get(idempotencyKey);
    if (known && known.lease === lease) known.done = true;
  }

  /** Processing under `lease` failed: forget the key so the bridge's retry is processed. */
  release(idempotencyKey: string, lease: number): void {
    const known = this.seen.get(idempotencyKey);
    if (known && !known.done && known.lease === lease) this.seen.delete(idempotencyKey);
  }

  /** Drops expired keys, at most every half window unless forced: O(n), amortized over many checks. */
  private sweep(now: number, force = false): void {
    if (!force && now < this.nextSweepAt) return;
    this.nextSweepAt = now + Math.max(1, Math.floor(this.tolerance / 2));
    // (Sweeping every half tolerance keeps the O(n) pass rare; keys live `remember` seconds.)
    for (const [key, { expiresAt, done, leaseUntil }] of this.seen) {
      if (expiresAt < now && (done || leaseUntil < now)) this.seen.delete(key);
    }
  }
}
