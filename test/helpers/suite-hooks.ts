// Mocha hooks that describe blocks share: the run's dev server, and resources closed after the block.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, ownTimeSkippingEnv, timeSkippingEnv } from './temporal-envs';

/** Starts (or reuses) the run's dev server before the block's tests; call the result to get it. */
export function useDevServer(): () => TestWorkflowEnvironment {
  return useServer(devServerEnv);
}

/** Starts (or reuses) the run's time-skipping test server before the block's tests. */
export function useTimeSkippingServer(): () => TestWorkflowEnvironment {
  return useServer(timeSkippingEnv);
}

/**
 * A time-skipping test server of the block's own, torn down after it: for blocks whose ended sessions
 * may hand a backlog to a deliveries workflow (an abandoned child, after which the test server stops
 * skipping time for good: sdk-typescript #1101), so later blocks on the shared server are not stalled.
 */
export function useOwnTimeSkippingServer(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  before(async function () {
    this.timeout(180_000);
    env = await ownTimeSkippingEnv();
  });
  after(async () => env?.teardown());
  return () => {
    if (!env) throw new Error('the server is started before the tests: use it inside a test');
    return env;
  };
}

function useServer(start: () => Promise<TestWorkflowEnvironment>): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  before(async function () {
    this.timeout(180_000);
    env = await start();
  });
  return () => {
    if (!env) throw new Error('the server is started before the tests: use it inside a test');
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
