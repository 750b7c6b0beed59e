// Capped exponential backoff for the hub's loops (their abortable sleep is src/util/abortable-sleep).

export function backoffMs(attempt: number, firstMs = 200, maxMs = 5_000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
}
