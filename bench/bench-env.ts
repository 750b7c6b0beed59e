// Everything one bench run needs on this machine: a headless dev server on a fresh SQLite file (with
// a metrics port), the Live Agent simulator with an auto-accepting agent, the webhook sink, ONE bridge
// worker as a child process (so its RSS and CPU are its own), the bare relay and the engine floor.
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
  /** Where the worker's heap probe answers (see worker-heap-probe.ts). */
  heapProbeFile: string;
  workerSettings: { maxConcurrentActivities: number; maxCachedWorkflows: number };
  client: Client;
  chat: ChatSessions;
  relay: BareRelay;
  floor: EngineFloor;
  close(): Promise<void>;
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
    // Room for every session's poll plus concurrent sends and deliveries; never below the defaults.
    const workerSettings = {
      maxConcurrentActivities: args.activitySlots ?? Math.max(2_000, 2 * top + 100),
      maxCachedWorkflows: args.workflowCache ?? Math.max(2_000, top + 200),
    };
    const taskQueue = `${runId}-bridge`;
    const workerMetricsPort = await freePort();
    const scratch = mkdtempSync(path.join(tmpdir(), 'chat-bridge-bench-'));
    const workerLog = path.join(scratch, 'worker.log');
    const heapProbeFile = path.join(scratch, 'heap.json');
    const connection = await Connection.connect({ address: server.address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const [worker, floor] = await Promise.all([
      WorkerProcess.start({
        env: {
          ...localWorkerEnv({
            temporalAddress: server.address,
            liveAgentUrl: sim.url,
            taskQueue,
            webhookSecret: secret,
          }),
          WORKER_MAX_CONCURRENT_ACTIVITIES: String(workerSettings.maxConcurrentActivities),
          WORKER_MAX_CACHED_WORKFLOWS: String(workerSettings.maxCachedWorkflows),
          METRICS_BIND_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
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
        logFile: workerLog,
        readyTimeoutMs: 120_000,
      }),
      EngineFloor.start(server.address, client, `${runId}-floor`),
    ]);
    cleanup.push(() => floor.stop());
    cleanup.push(() => worker.stop());
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
      workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
      sim,
      sink,
      worker,
      workerPid: worker.pid!,
      workerLog,
      heapProbeFile,
      workerSettings,
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
