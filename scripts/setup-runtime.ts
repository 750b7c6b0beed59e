// `npm run setup`: makes sure this machine can run Temporal locally without internet — the `temporal`
// CLI (dev server + Web UI) and the time-skipping test server. Slow once (Go build, Maven), then seconds.
import { cacheDir } from '../src/runtime/cache-dir';
import { resolveTestServer } from '../src/runtime/resolve-test-server';
import { resolveRuntime } from '../src/runtime/temporal-runtime';

const log = (line: string) => console.log(`  ${line}`);

async function step<T>(title: string, run: () => Promise<T>): Promise<T> {
  console.log(`\n${title}`);
  const started = Date.now();
  const value = await run();
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return value;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`temporal-chat-bridge runtime setup (cache: ${cacheDir()})`);
  const runtime = await step('1/2 Temporal server (temporal CLI or existing cluster)', () =>
    resolveRuntime({ log }),
  );
  const testServer = await step('2/2 Time-skipping test server', () => resolveTestServer({ log }));

  console.log('\nSummary');
  if (runtime.kind === 'existing') {
    console.log(
      `  Temporal:     existing cluster ${runtime.address}, namespace ${runtime.namespace} (TEMPORAL_ADDRESS)`,
    );
    console.log(
      '                run `npx tsx scripts/register-search-attributes.ts` once to add the Chat* search attributes',
    );
  } else {
    console.log(`  temporal CLI: ${runtime.cliPath} (source: ${runtime.source})`);
  }
  console.log(`  test server:  ${testServer.path} (source: ${testServer.source})`);
  console.log(`  total:        ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err: unknown) => {
  console.error(`\nsetup failed:\n${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
