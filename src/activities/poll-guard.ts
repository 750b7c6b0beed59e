// One long poll per vendor session in this process. A retried poll attempt (say after a heartbeat
// timeout while the old attempt is still waiting) first aborts the old request and waits for it to
// end: a second concurrent poll makes Live Agent answer 409 and kill the chat.
export class PollGuard {
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();

  async run<T>(
    sessionKey: string,
    signal: AbortSignal,
    poll: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const previous = this.inFlight.get(sessionKey);
    if (previous) {
      previous.abort.abort(new Error('superseded by a newer poll attempt'));
      await previous.done;
    }
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort(signal.reason);
    if (signal.aborted) abort.abort(signal.reason);
    else signal.addEventListener('abort', onOuterAbort, { once: true });
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const entry = { abort, done };
    this.inFlight.set(sessionKey, entry);
    try {
      return await poll(abort.signal);
    } finally {
      signal.removeEventListener('abort', onOuterAbort);
      if (this.inFlight.get(sessionKey) === entry) this.inFlight.delete(sessionKey);
      release();
    }
  }

  /** Abort every poll (graceful shutdown). */
  abortAll(reason: string): void {
    for (const { abort } of this.inFlight.values()) abort.abort(new Error(reason));
  }

  get size(): number {
    return this.inFlight.size;
  }
}
