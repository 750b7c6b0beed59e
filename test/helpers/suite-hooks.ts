// Mocha hooks that describe blocks share: the run's dev server, and resources closed after the block.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv } from './temporal-envs';

/** Starts (or reuses) the run's dev server before the block's tests; call the result to get it. */
export function useDevServer(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  before(async function () {
    this.timeout(180_000);
    env = await devServerEnv();
  });
  return () => {
    if (!env) throw new Error('the dev server is started before the tests: use it inside a test');
    return env;
  };
}

/** Closes what the block's tests registered, last first, once the block is done. */
export function useCleanup(): (close: () => Promise<void>) => void {
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  });
  return (close) => {
    closers.push(close);
  };
}
