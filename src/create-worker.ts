// Builds a chat-bridge worker from validated configuration: one undici Agent per worker (keep-alive,
// timeouts that fit the long poll), one poll guard, the provider registry and the activities.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Agent } from 'undici';
import { createActivities } from './activities';
import { PollGuard } from './activities/poll-guard';
import { encryptionDataConverter } from './codec/data-converter';
import type { WorkerEnv } from './config/worker-config';
import { ProviderRegistry } from './providers/registry';
import { LiveAgentProvider } from './providers/salesforce-live-agent/live-agent-provider';
import type { Tracing } from './tracing/start-tracing';
import { tracingWorkerOptions } from './tracing/worker-tracing';

export interface BridgeWorker {
  worker: Worker;
  pollGuard: PollGuard;
  /**
   * Stops polling for tasks, cancels long polls so they end cleanly and closes the HTTP pools; once the
   * worker has stopped (after run() resolved), also the Temporal connection, if this function opened it.
   */
  shutdown(): Promise<void>;
}

export async function createBridgeWorker(
  config: WorkerEnv,
  options: {
    connection?: NativeConnection;
    workflowBundle?: WorkerOptions['workflowBundle'];
    identity?: string;
    /** Started tracing (src/tracing): interceptors and the workflow span sink are added. */
    tracing?: Tracing;
  } = {},
): Promise<BridgeWorker> {
  const vendorDispatcher = new Agent({
    keepAliveTimeout: 60_000,
    // The long poll's own timeout is set per request from the vendor's clientPollTimeout.
    headersTimeout: 0,
    bodyTimeout: 0,
    connections: null,
  });
  const webhookDispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const pollGuard = new PollGuard();
  const providers = new ProviderRegistry([
    new LiveAgentProvider(
      {
        baseUrl: config.LIVE_AGENT_URL,
        apiVersion: config.LIVE_AGENT_API_VERSION,
        organizationId: config.LIVE_AGENT_ORG_ID,
        deploymentId: config.LIVE_AGENT_DEPLOYMENT_ID,
        buttonId: config.LIVE_AGENT_BUTTON_ID,
        requestTimeoutMs: config.LIVE_AGENT_REQUEST_TIMEOUT_MS,
      },
      vendorDispatcher,
    ),
  ]);
  const ownsConnection = options.connection === undefined;
  const connection =
    options.connection ?? (await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.CHAT_BRIDGE_TASK_QUEUE,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities({
      providers,
      pollGuard,
      webhook: {
        dispatcher: webhookDispatcher,
        secret: config.WEBHOOK_SECRET,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      },
      malformedAttemptsLimit: config.MALFORMED_ATTEMPTS_LIMIT,
    }),
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // Long polls are cancelled at shutdown (they end their HTTP request and are retried elsewhere at once).
    shutdownGraceTime: '2 seconds',
    ...(options.identity ? { identity: options.identity } : {}),
    // A prebuilt bundle must already contain tracingWorkflowInterceptorModules.
    ...(options.tracing ? tracingWorkerOptions(options.tracing) : {}),
    // Invariant 6: credentials and messages reach history only encrypted (codecs run outside the sandbox).
    ...(config.PAYLOAD_ENCRYPTION_KEYS
      ? { dataConverter: encryptionDataConverter(config.PAYLOAD_ENCRYPTION_KEYS) }
      : {}),
  });
  return {
    worker,
    pollGuard,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      pollGuard.abortAll('worker shutting down');
      await Promise.allSettled([vendorDispatcher.close(), webhookDispatcher.close()]);
      const state = worker.getState();
      if (ownsConnection && (state === 'STOPPED' || state === 'FAILED')) await connection.close();
    },
  };
}
