// Checks the Java time-skipping test server starts well inside the SDK's fixed 5 s connect window
// (sdk-core polls every 100 ms, 50 times), since a slow JVM start would make tests fail at random.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTestServer } from '../src/runtime/resolve-test-server';

const RUNS = 10;
const LIMIT_MS = 5_000;

async function main(): Promise<void> {
  const { path, source } = await resolveTestServer({ log: (line) => console.log(line) });
  console.log(`test server: ${path} (source: ${source})`);
  const timings: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const started = performance.now();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path } },
    });
    const ms = Math.round(performance.now() - started);
    timings.push(ms);
    console.log(`run ${String(run).padStart(2)}: ${ms} ms`);
    await env.teardown();
  }
  const max = Math.max(...timings);
  console.log(`max: ${max} ms (limit ${LIMIT_MS} ms)`);
  if (max > LIMIT_MS) {
    console.error('test server start-up is too slow for the SDK; tests would fail intermittently');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
