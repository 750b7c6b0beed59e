// `npm run dev-server`: a long-lived local Temporal on the standard ports (gRPC 7233, Web UI 8233)
// whose SQLite file lives in the cache dir, so workflows survive restarts of this command.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../src/runtime/cache-dir';
import { DevServer } from '../src/runtime/dev-server';

const GRPC_PORT = Number(process.env.TEMPORAL_DEV_PORT ?? 7233);
const UI_PORT = Number(process.env.TEMPORAL_DEV_UI_PORT ?? 8233);

async function main(): Promise<void> {
  const dataDir = join(cacheDir(), 'dev-server');
  mkdirSync(dataDir, { recursive: true });
  const server = await DevServer.start({
    port: GRPC_PORT,
    uiPort: UI_PORT,
    dbFile: join(dataDir, 'temporal.sqlite'),
    log: (line) => console.log(line),
  });
  console.log(`Temporal gRPC: ${server.address} (namespace ${server.namespace})`);
  console.log(`Web UI:        ${server.uiUrl ?? '(headless)'}`);
  console.log(`SQLite:        ${server.dbFile}`);
  console.log(`Server log:    ${server.logFile}`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the dev server...`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Notice a crashed server instead of sitting there looking healthy.
  setInterval(() => {
    if (!stopping && server.pid === undefined) {
      console.error(`the dev server exited unexpectedly; see ${server.logFile}`);
      process.exit(1);
    }
  }, 2_000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
