// Waiting in tests for a simulator state: resolves with the probe's first truthy value.

/**
 * Checks `probe` now, on every `subscribe` notification and every 10 ms. A probe that throws counts as
 * "not yet"; its last error is reported on timeout.
 */
export function waitForProbe<T>(
  name: string,
  subscribe: (onChange: () => void) => () => void,
  probe: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    const check = () => {
      let value: T | undefined | null | false;
      try {
        value = probe();
      } catch (error) {
        lastError = error;
        return;
      }
      if (value === undefined || value === null || value === false) return;
      done();
      resolve(value);
    };
    const interval = setInterval(check, 10);
    const timer = setTimeout(() => {
      done();
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      reject(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${what}${cause}`));
    }, timeoutMs);
    const unsubscribe = subscribe(() => check());
    function done() {
      clearInterval(interval);
      clearTimeout(timer);
      unsubscribe();
    }
    check();
  });
}
