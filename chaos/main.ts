// `npm run chaos [-- --quick | --sessions N --duration S --seed N]`: the chaos soak (agent presences with
// `--vendor huawei-cc-gateway`: presences/presence-soak.ts). N chats talk both
// ways through the bridge while a controller SIGKILLs workers, restarts the dev server, forces 503
// failovers, injects vendor faults and takes the webhook down. Then it ends every chat and checks the
// simulator's and the webhook's own records. Last stdout line: one JSON object; exit 1 on any failure.
import { redriveEndedChats, redriveRunningSessions } from './redrive';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientDataConverter, EncryptionCodec, generateKey } from '../src/codec';
import { DevServer } from '../src/runtime/dev-server';
import { resolveTemporalCli } from '../src/runtime/resolve-temporal-cli';
import { ChaosWebhook } from './chaos-webhook';
import { awaitCompletion } from './completion';
import { ChaosController, WORKERS } from './controller';
import { Conversation, type ConversationStats } from './conversation';
import { openSessions } from './open-sessions';
import { parseOptions } from './options';
import { progress, sleep } from './progress';
import { dice } from './rng';
import { newSessionRecord, type SessionRecord } from './session-record';
import { TemporalLink } from './temporal-link';
import { statusLine, verdict } from './verdict';
import { WorkerPool } from './worker-pool';
import { localWorkerEnv } from '../src/runtime/local-worker-env';
import type { ChaosVendor } from './chaos-vendor';
import { gmsChaosVendor } from './vendors/genesys-gms';
import { liveAgentChaosVendor } from './vendors/live-agent';
import { snapshotSources, type SourceSnapshot } from '../bench/source-snapshot';
import { runPresenceSoak } from './presences/presence-soak';

/** Quiet tail: no new chaos in the last seconds of the conversation, so its effects can settle. */
const QUIET_TAIL_MS = 10_000;

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.vendor === 'huawei-cc-gateway') return runPresenceSoak(options);
  const runId = `chaos${Date.now().toString(36)}`;
  const runDir = mkdtempSync(join(tmpdir(), 'chat-bridge-chaos-'));
  progress(
    `chaos soak ${runId}: ${options.sessions} ${options.vendor} sessions, ${options.durationSec} s of chaos, seed ${options.seed}; logs in ${runDir}`,
  );

  // --- infrastructure ---
  const cli = await resolveTemporalCli({ log: (l) => progress(l) });
  const server = await DevServer.start({ cliPath: cli.path, uiPort: false });
  const sim: ChaosVendor =
    options.vendor === 'genesys-gms' ? await gmsChaosVendor() : await liveAgentChaosVendor(options.seed);
  const secret = `chaos-${randomUUID()}`;
  // Encrypted like production (DESIGN invariant 6): the codec is under the same chaos.
  const encryptionKeys = `chaos:${generateKey()}`;
  const webhook = await ChaosWebhook.start(secret, dice(options.seed + 1).next);
  const taskQueue = `chaos-${runId}`;
  // Workers start all through the run (replacements); all of them run one copy of src/.
  const snapshot = snapshotSources('chaos');
  progress(`workers run a copy of src/ at ${snapshot.version} (${snapshot.dir})`);
  const pool = new WorkerPool(
    {
      ...localWorkerEnv({
        temporalAddress: server.address,
        liveAgentUrl: 'http://127.0.0.1:9/unused/',
        taskQueue,
        webhookSecret: secret,
      }),
      ...sim.workerEnv(),
      PAYLOAD_ENCRYPTION_KEYS: encryptionKeys,
      // Two workers (and other people's) on one host: no fight over the default metrics port.
      METRICS_BIND_ADDRESS: 'off',
    },
    runDir,
    snapshot.workerEntry,
  );
  progress(
    `dev server ${server.address} (log ${server.logFile}); simulator ${sim.url}; webhook ${webhook.url}`,
  );
  const firstWorkers = await Promise.all(Array.from({ length: WORKERS }, () => pool.startOne()));
  progress(
    `workers ready: ${firstWorkers.map((w) => `#${w.n} pid ${w.pid} in ${(w.ms / 1000).toFixed(1)} s`).join(', ')}`,
  );
  const link = await TemporalLink.open(server.address, taskQueue, clientDataConverter(encryptionKeys));

  const canAfter = options.continueAsNewAfterEvents || undefined;
  const records: SessionRecord[] = Array.from({ length: options.sessions }, (_, i) =>
    newSessionRecord(runId, i + 1, i % 2 === 1 ? canAfter : undefined),
  );
  if (canAfter) progress(`even-numbered sessions continue-as-new every ${canAfter} history events`);
  const controller = new ChaosController({
    vendor: sim,
    server,
    pool,
    webhook,
    link,
    sessions: records,
    dice: dice(options.seed),
  });
  try {
    await openSessions(link, sim, records, webhook.url, 120_000);

    // --- conversation under chaos ---
    const stats: ConversationStats = { customerRetries: 0 };
    const pause = options.quick ? { min: 1_500, max: 4_000 } : { min: 2_000, max: 6_000 };
    const conversations = records.map(
      (r) => new Conversation(r, link, sim, dice(options.seed + 100 + r.n), stats, pause),
    );
    const talking = Promise.all(conversations.map((c) => c.run()));
    const chaosEnds = Date.now() + options.durationSec * 1000;
    const ticker = setInterval(() => progress(statusLine(records, webhook, sim, stats)), 30_000);
    await controller.run(chaosEnds - QUIET_TAIL_MS, options.actionEveryMs);
    await controller.quiesce();
    // The receiver accepts again: the operator redrives what it refused (OPERATIONS.md, "Dead letters").
    let deadLettersRedriven = await redriveRunningSessions(link, records);
    await sleep(Math.max(0, chaosEnds - Date.now()));

    // --- wind down: let pending sends settle, then the agents end every chat ---
    const drainDeadline = Date.now() + options.drainTimeoutMs;
    for (const c of conversations) c.stop(drainDeadline - 15_000);
    await talking;
    clearInterval(ticker);
    progress(`conversation stopped: ${statusLine(records, webhook, sim, stats)}`);
    const ended = new Set(
      sim
        .sessions()
        .filter((s) => s.ended)
        .map((s) => s.id),
    );
    for (const r of records) {
      if (r.vendorId && !ended.has(r.vendorId)) sim.endChat(r.vendorId);
    }
    progress(
      `agents ended every chat; waiting up to ${Math.round((drainDeadline - Date.now()) / 1000)} s for the workflows`,
    );
    const completions = await awaitCompletion(link, records, drainDeadline);
    deadLettersRedriven += await redriveEndedChats(link, completions, drainDeadline);

    // --- verdict ---
    const codec = new EncryptionCodec(encryptionKeys);
    const summary = await verdict({
      records,
      completions,
      webhook,
      sim,
      controller,
      link,
      runDir,
      codec,
      replay: { workflowsPath: join(snapshot.dir, 'src', 'workflows'), encryptionKeys },
    });
    controller.stop();
    await shutdown(pool, link, webhook, sim, server, snapshot);
    const { poisonMessages, refusingWebhookWindows } = controller.counters;
    console.log(JSON.stringify({ ...summary, poisonMessages, refusingWebhookWindows, deadLettersRedriven }));
    const failures =
      summary.lost +
      summary.duplicated +
      summary.outOfOrder +
      summary.expired +
      summary.conflicts409 +
      summary.stuck;
    return failures > 0 ? 1 : 0;
  } catch (err) {
    controller.stop();
    await shutdown(pool, link, webhook, sim, server, snapshot);
    throw err;
  }
}

async function shutdown(
  pool: WorkerPool,
  link: TemporalLink,
  webhook: ChaosWebhook,
  sim: ChaosVendor,
  server: DevServer,
  snapshot: SourceSnapshot,
): Promise<void> {
  await pool.stopAll().catch(() => undefined);
  await link.close();
  await webhook.down();
  await sim.close();
  await server.stop().catch(() => undefined);
  snapshot.remove();
}

// Exit hooks (dev server, worker children) run on process.exit, so Ctrl-C leaves nothing behind.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('chaos harness failed:', err);
    process.exit(2);
  },
);
