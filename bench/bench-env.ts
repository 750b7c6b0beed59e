// Everything one bench run needs on this machine: a headless dev server on a fresh SQLite file (with
// a metrics port), the Live Agent simulator with an auto-accepting agent, the webhook sink, ONE bridge
// worker as a child process (so its RSS and CPU are its own; its connection hub holds every session),
// the bare relay and the engine floor. A second worker joins only for the takeover phase at the end.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ChatSessions } from '../src/client';
import { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';
import { DevServer } from '../src/runtime/dev-server';
import { freePort } from '../src/runtime/free-port';
import { resolveTemporalCli } from '../src/runtime/resolve-temporal-cli';
import { WorkerProcess } from '../src/runtime/worker-process';
import { BareRelay } from './bare-relay';
import type { BenchArgs } from './bench-args';
import { EngineFloor } from './engine-floor';
import { progress } from './progress';
import { snapshotSources } from './source-snapshot';
import { WebhookSink } from './webhook-sink';
import { localLiveAgentIds as deploymentIds, localWorkerEnv } from '../src/runtime/local-worker-env';

export { localLiveAgentIds as deploymentIds } from '../src/runtime/local-worker-env';

export interface BenchEnv {
  runId: string;
  server: DevServer;
  metricsUrl: string;
  /** The worker's own Prometheus endpoint (SDK task latencies), if this build of the worker serves one. */
  workerMetricsUrl: string;
  sim: LiveAgentSimulator;
  sink: WebhookSink;
  worker: WorkerProcess;
  workerPid: number;
  workerLog: string;
  /** The measured worker (the same as `worker`, with its metrics endpoint and log). */
  first: BenchWorker;
  /** Starts a second bridge worker on the same task queue (the takeover phase); stopped by close(). */
  startSecondWorker(): Promise<BenchWorker>;
  /** Where the worker's heap probe answers (see worker-heap-probe.ts). */
  heapProbeFile: string;
  workerSettings: { maxConcurrentActivities: number; maxCachedWorkflows: number };
  /** The commit the workers' copy of src/ was taken at (`+dirty` with uncommitted changes). */
  sourceVersion: string;
  client: Client;
  chat: ChatSessions;
  relay: BareRelay;
  floor: EngineFloor;
  close(): Promise<void>;
}

export interface BenchWorker {
  name: string;
  proc: WorkerProcess;
  pid: number;
  metricsUrl: string;
  log: string;
}

export async function startBenchEnv(args: BenchArgs): Promise<BenchEnv> {
  // The SDK's own logs would interleave with progress lines; warnings still reach stderr.
  // The floor worker has no activities on purpose; that one expected warning is dropped.
  Runtime.install({
    logger: new DefaultLogger('WARN', (e) => {
      if (!e.message.startsWith('No activities registered'))
        process.stderr.write(`[sdk ${e.level}] ${e.message}\n`);
    }),
  });
  const runId = `bench-${Date.now().toString(36)}`;
  const secret = randomUUID();
  const cleanup: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of cleanup.reverse())
      await step().catch((err: unknown) => progress(`cleanup: ${String(err)}`));
  };
  try {
    const cli = await resolveTemporalCli({ log: (l) => progress(l) });
    const metricsPort = await freePort();
    const server = await DevServer.start({
      cliPath: cli.path,
      uiPort: false,
      extraArgs: [
        '--metrics-port',
        String(metricsPort),
        ...args.serverConfig.flatMap((kv) => ['--dynamic-config-value', kv]),
      ],
    });
    cleanup.push(() => server.stop());
    progress(
      `dev server ${server.address} (pid ${server.pid}, fresh SQLite ${server.dbFile})` +
        (args.serverConfig.length ? `, dynamic config ${args.serverConfig.join(' ')}` : ''),
    );

    const sim = await LiveAgentSimulator.start({
      ...deploymentIds,
      holdMs: args.holdMs,
      sessionTimeoutMs: args.sessionTimeoutMs,
      autoAccept: { agentName: 'Bench Agent', delayMs: 0 },
    });
    cleanup.push(() => sim.close());
    const sink = await WebhookSink.start(secret);
    cleanup.push(() => sink.close());
    progress(
      `simulator ${sim.url} (hold ${args.holdMs} ms, session timeout ${args.sessionTimeoutMs} ms), webhook ${sink.url('bridge')}`,
    );

    const top = args.steps.at(-1)!;
    // The hub holds every connection under one lease activity; the shared queue runs only short
    // activities (open, attach, send, deliver): a few hundred slots serve 10,000 sessions. The cache
    // holds every session's workflow, so an idle session costs no replay when a message arrives.
    const workerSettings = {
      maxConcurrentActivities: args.activitySlots ?? 256,
      maxCachedWorkflows: args.workflowCache ?? Math.max(2_000, top + 200),
    };
    const taskQueue = `${runId}-bridge`;
    // Every worker of the run (the second one starts minutes later) runs the same copy of src/.
    const snapshot = snapshotSources('bench');
    cleanup.push(async () => snapshot.remove());
    progress(`workers run a copy of src/ at ${snapshot.version} (${snapshot.dir})`);
    const scratch = mkdtempSync(path.join(tmpdir(), 'chat-bridge-bench-'));
    const heapProbeFile = path.join(scratch, 'heap.json');
    const connection = await Connection.connect({ address: server.address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const startWorker = async (name: string): Promise<BenchWorker> => {
      const metricsPort = await freePort();
      const log = path.join(scratch, `${name}.log`);
      const worker = await WorkerProcess.start({
        env: {
          ...localWorkerEnv({
            temporalAddress: server.address,
            liveAgentUrl: sim.url,
            taskQueue,
            webhookSecret: secret,
          }),
          WORKER_IDENTITY: `${runId}-${name}`,
          WORKER_MAX_CONCURRENT_ACTIVITIES: String(workerSettings.maxConcurrentActivities),
          WORKER_MAX_CACHED_WORKFLOWS: String(workerSettings.maxCachedWorkflows),
          METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}`,
          // The bench's post-GC heap probe, preloaded; the worker itself is unchanged.
          NODE_OPTIONS: [
            process.env.NODE_OPTIONS ?? '',
            `--require ${require.resolve('tsx/cjs')}`,
            `--require ${require.resolve('./worker-heap-probe')}`,
          ]
            .join(' ')
            .trim(),
          BENCH_HEAP_PROBE_FILE: heapProbeFile,
        },
        logFile: log,
        entry: snapshot.workerEntry,
        readyTimeoutMs: 120_000,
      });
      cleanup.push(() => worker.stop());
      return {
        name,
        proc: worker,
        pid: worker.pid!,
        metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
        log,
      };
    };
    const [first, floor] = await Promise.all([
      startWorker('worker-1'),
      EngineFloor.start(server.address, client, `${runId}-floor`),
    ]);
    cleanup.push(() => floor.stop());
    const worker = first.proc;
    const workerLog = first.log;
    progress(
      `bridge worker pid ${worker.pid} (activity slots ${workerSettings.maxConcurrentActivities}, ` +
        `workflow cache ${workerSettings.maxCachedWorkflows}, log ${workerLog}); engine-floor worker in this process`,
    );

    const relay = await BareRelay.start({
      liveAgentUrl: sim.url,
      ids: deploymentIds,
      webhookUrl: sink.url('baseline'),
      webhookSecret: secret,
      sessions: args.baselineSessions,
    });
    cleanup.push(() => relay.stop());
    progress(`bare poll-and-forward relay: ${args.baselineSessions} sessions`);

    return {
      runId,
      server,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      workerMetricsUrl: first.metricsUrl,
      sim,
      sink,
      worker,
      workerPid: worker.pid!,
      workerLog,
      first,
      startSecondWorker: () => startWorker('worker-2'),
      heapProbeFile,
      workerSettings,
      sourceVersion: snapshot.version,
      client,
      chat: new ChatSessions(client, { taskQueue }),
      relay,
      floor,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
