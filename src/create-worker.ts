// Builds a chat-bridge worker from validated configuration: one undici Agent per worker for the vendors
// and one for webhooks, the enabled providers, the worker's connection hub with its lease, and two SDK
// workers: one on the shared task queue (sessions, their activities) and one on the hub's own queue
// (the hub's lease, and attaches and detaches aimed at this hub).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { Agent } from 'undici';
import { createActivities, createHubActivities, type ActivityDeps } from './activities';
import { clientDataConverter, encryptionDataConverter } from './codec/data-converter';
import type { WorkerEnv } from './config/worker-config';
import { ConnectionHub } from './hub/connection-hub';
import { hubHeartbeatThrottleMs, startHubLease, type HubLease } from './hub/hub-lease';
import { MembershipReporter } from './hub/membership-reporter';
import { clientSessionSignals } from './hub/session-signals';
import { providerRegistryFor } from './providers/enabled-providers';
import type { ProviderModule } from './providers/provider-module';
import { temporalConnectionOptions } from './config/temporal-connection';
import { hubClosedSignal, hubMembershipSignal } from './shared/definitions';
import type { Tracing } from './tracing/start-tracing';
import {
  tracingActivityWorkerOptions,
  tracingClientInterceptors,
  tracingWorkerOptions,
} from './tracing/worker-tracing';

export interface BridgeWorker {
  /** The SDK worker on the shared task queue. */
  worker: Worker;
  hub: ConnectionHub;
  /** Runs the workers until they are shut down (SIGINT/SIGTERM through the SDK's Runtime, or `shutdown`). */
  run(): Promise<void>;
  /** Runs the workers while `fn` runs; then drains the hub and stops them. */
  runUntil<T>(fn: () => Promise<T>): Promise<T>;
  /** Graceful: every session this hub holds moves to another worker with no overlap, then the hub closes. */
  drain(reason: string): Promise<void>;
  /**
   * A graceful stop (SIGTERM): stop taking tasks from the shared queue, so moved sessions attach
   * elsewhere; drain the hub; then stop the hub's own worker. `run()` resolves afterwards.
   */
  stop(reason: string): Promise<void>;
  /**
   * Stops polling for tasks and ends the hub's connections, then closes the HTTP pools and, once the
   * workers have stopped, the Temporal connection if this function opened it.
   */
  shutdown(): Promise<void>;
}

export interface BridgeWorkerOptions {
  connection?: NativeConnection;
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Started tracing (src/tracing): interceptors and the workflow span sink are added. */
  tracing?: Tracing;
  /**
   * Run the hub under a lease (default). Off: no lease workflow, no re-homing of a dead worker's
   * sessions — for single-worker tests on the time-skipping server, which does not skip time while
   * any activity (such as a lease) runs.
   */
  hubLease?: boolean;
  hubHeartbeatTimeoutMs?: number;
  /** Called when the hub lost its lease and let go of every connection. The worker process exits. */
  onFenced?: (reason: string) => void;
  /** The vendor modules to build the enabled providers from (default: every module of this build). */
  providerModules?: readonly ProviderModule[];
}

export async function createBridgeWorker(
  config: WorkerEnv,
  options: BridgeWorkerOptions = {},
): Promise<BridgeWorker> {
  const vendorDispatcher = new Agent({
    keepAliveTimeout: 60_000,
    // Long polls and streams set their own limits per request.
    headersTimeout: 0,
    bodyTimeout: 0,
    connections: null,
  });
  const webhookDispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const providers = providerRegistryFor(config.providerEnv, vendorDispatcher, options.providerModules);
  const ownsConnection = options.connection === undefined;
  const connection =
    options.connection ?? (await NativeConnection.connect(temporalConnectionOptions(config)));
  const keys = config.PAYLOAD_ENCRYPTION_KEYS;
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...(keys ? { dataConverter: clientDataConverter(keys) } : {}),
    // The hub's signals (a batch, a handover) join the session's trace.
    ...(options.tracing ? { interceptors: tracingClientInterceptors() } : {}),
  });

  const leased = options.hubLease !== false;
  const hubId = `${(options.identity ?? `${process.pid}@${hostname()}`).replace(/[^\w.@-]/g, '_')}-${randomUUID().slice(0, 8)}`;
  const taskQueue = config.CHAT_BRIDGE_TASK_QUEUE;
  const hubTaskQueue = leased ? `${taskQueue}/hub/${hubId}` : taskQueue;
  const leaseWorkflowId = `chat-bridge-hub:${hubId}`;
  const webhook = {
    dispatcher: webhookDispatcher,
    secret: config.WEBHOOK_SECRET,
    ...(config.WEBHOOK_SECRET_NEXT ? { nextSecret: config.WEBHOOK_SECRET_NEXT } : {}),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  };
  const hub = new ConnectionHub({
    hubId,
    hubTaskQueue,
    providers,
    signals: clientSessionSignals(client),
    webhook,
    malformedAttemptsLimit: config.MALFORMED_ATTEMPTS_LIMIT,
    meter: Runtime.instance().metricMeter,
    ...(leased
      ? {
          reportMembership: new MembershipReporter((change) =>
            client.workflow.getHandle(leaseWorkflowId).signal(hubMembershipSignal, change),
          ),
          reportClosed: () => client.workflow.getHandle(leaseWorkflowId).signal(hubClosedSignal),
        }
      : {}),
    log: (level, message, meta) => (level === 'warn' ? console.warn : console.log)(message, meta ?? ''),
  });
  const deps: ActivityDeps = { providers, hub, webhook };
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...(options.identity ? { identity: options.identity } : {}),
    // Invariant 6: credentials and messages reach history only encrypted (codecs run outside the sandbox).
    ...(keys ? { dataConverter: encryptionDataConverter(keys) } : {}),
  };
  const worker = await Worker.create({
    ...common,
    taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities(deps),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // A dead worker's sticky queue holds the next task of every session (and hub lease) it had cached
    // until this timeout: the default 10 s would come on top of the lease timeout when a worker dies.
    stickyQueueScheduleToStartTimeout: '1 second',
    shutdownGraceTime: '5 seconds',
    // A prebuilt bundle must already contain tracingWorkflowInterceptorModules.
    ...(options.tracing ? tracingWorkerOptions(options.tracing) : {}),
  });
  const hubWorker = leased
    ? await Worker.create({
        ...common,
        taskQueue: hubTaskQueue,
        activities: createHubActivities(deps),
        // The lease guard reads the recorded heartbeat: it must reach the server well inside the timeout.
        maxHeartbeatThrottleInterval: hubHeartbeatThrottleMs,
        defaultHeartbeatThrottleInterval: hubHeartbeatThrottleMs,
        // The lease returns as soon as the hub has drained; draining many sessions takes a moment.
        shutdownGraceTime: '30 seconds',
        // An attach here starts the trace context its connection's requests and signals join.
        ...(options.tracing ? tracingActivityWorkerOptions() : {}),
      })
    : undefined;

  let lease: HubLease | undefined;
  const startLease = async () => {
    if (!leased || lease) return;
    lease = await startHubLease({
      client,
      workflowId: leaseWorkflowId,
      taskQueue,
      input: {
        hubId,
        hubTaskQueue,
        ...(options.hubHeartbeatTimeoutMs ? { heartbeatTimeoutMs: options.hubHeartbeatTimeoutMs } : {}),
      },
      reusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      onFence: (reason) => {
        void hub.fence(reason).then(() => options.onFenced?.(reason));
      },
    });
  };
  const runWorkers = async () => {
    await startLease();
    await Promise.all([worker.run(), hubWorker?.run()]);
  };

  // One drain, whoever asks first (a signal handler, runUntil, shutdown): the others wait for it, so the
  // connection is never closed while the hub still tells its sessions to move.
  let draining: Promise<void> | undefined;
  // The shared queue stops first, so the sessions the hub lets go of attach on another worker; the drain
  // also ends any update a connection still waits on (its session's next task needs a worker).
  const stop = async (reason: string) => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await drain(reason);
    if (hubWorker?.getState() === 'RUNNING') hubWorker.shutdown();
  };
  const drain = (reason: string) =>
    (draining ??= (async () => {
      await hub.drain(reason);
      lease?.stop();
      // After the drain: no connection needs what they serve (a push callback) any more.
      await providers.close();
    })());

  return {
    worker,
    hub,
    run: runWorkers,
    async runUntil(fn) {
      await startLease();
      const runs = Promise.all([worker.run(), hubWorker?.run()]);
      // A worker that fails while fn runs ends it too.
      const failed = runs.then(() => {
        throw new Error('the bridge worker stopped before the function it ran finished');
      });
      try {
        return await Promise.race([fn(), failed]);
      } finally {
        failed.catch(() => undefined);
        await stop('the worker is stopping');
        await runs;
      }
    },
    drain,
    stop,
    async shutdown() {
      await stop('the worker is shutting down');
      // A worker that never ran still holds the connection until it has run once.
      for (const w of [worker, hubWorker]) {
        if (w?.getState() === 'INITIALIZED') await w.runUntil(Promise.resolve());
      }
      await Promise.allSettled([vendorDispatcher.close(), webhookDispatcher.close()]);
      const stopped = (w: Worker | undefined) => !w || ['STOPPED', 'FAILED'].includes(w.getState());
      if (ownsConnection && stopped(worker) && stopped(hubWorker)) await connection.close();
    },
  };
}
