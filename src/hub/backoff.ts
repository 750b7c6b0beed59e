// Small helpers for the hub's loops: capped exponential backoff and a sleep that ends on abort.

export function backoffMs(attempt: number, firstMs = 200, maxMs = 5_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
}

export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
