// Runs the real bridge worker in-process against a Temporal test environment, a Live Agent simulator
// and a webhook receiver, on a task queue of its own so tests never share workers.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ChatSessions, type BusinessKey } from '../../src/client';
import { clientDataConverter } from '../../src/codec/data-converter';
import { loadWorkerConfig, type WorkerEnv } from '../../src/config/worker-config';
import { createBridgeWorker, type BridgeWorker } from '../../src/create-worker';
import { providerModules } from '../../src/providers/enabled-providers';
import type { ProviderModule } from '../../src/providers/provider-module';
import type { StartSessionInput } from '../../src/shared/session-types';
import { workflowBundle } from './workflow-bundle';
import { localLiveAgentIds } from '../../src/runtime/local-worker-env';

/** The ids the simulator and the worker agree on in tests. */
export const testIds = localLiveAgentIds;
export const testWebhookSecret = 'test-webhook-secret-0123456789';

export function testWorkerEnv(
  liveAgentUrl: string,
  overrides: Record<string, string> = {},
  extraModules: readonly ProviderModule[] = [],
): WorkerEnv {
  return loadWorkerConfig(
    {
      LIVE_AGENT_URL: liveAgentUrl,
      LIVE_AGENT_ORG_ID: testIds.organizationId,
      LIVE_AGENT_DEPLOYMENT_ID: testIds.deploymentId,
      LIVE_AGENT_BUTTON_ID: testIds.buttonId,
      WEBHOOK_SECRET: testWebhookSecret,
      WEBHOOK_TIMEOUT_MS: '2000',
      LIVE_AGENT_REQUEST_TIMEOUT_MS: '5000',
      CHAT_BRIDGE_TASK_QUEUE: `test-${randomUUID()}`,
      ...overrides,
    },
    [...providerModules, ...extraModules],
  );
}

export interface Bridge {
  config: WorkerEnv;
  /** `env.client`, or with PAYLOAD_ENCRYPTION_KEYS set a client using the worker's codec. */
  client: Client;
  sessions: ChatSessions;
  worker: BridgeWorker;
  /** Runs `fn` while the worker runs; stops the worker afterwards. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export async function startBridge(
  env: TestWorkflowEnvironment,
  liveAgentUrl: string,
  overrides: Record<string, string> = {},
  /** Provider modules besides this build's (in-process fake vendors); enable them with CHAT_BRIDGE_PROVIDERS. */
  extraModules: readonly ProviderModule[] = [],
  options: {
    /**
     * On the time-skipping server, `env.client` skips time while a test awaits a result; false keeps
     * the server's clock real (a plain client), for scenarios whose vendor runs in real time.
     */
    skipTime?: boolean;
  } = {},
): Promise<Bridge> {
  const config = testWorkerEnv(liveAgentUrl, overrides, extraModules);
  const worker = await createBridgeWorker(config, {
    connection: env.nativeConnection,
    providerModules: [...providerModules, ...extraModules],
    // The time-skipping server skips no time while any activity runs, a hub lease included: one
    // worker per test there needs no lease (re-homing is tested on the dev server).
    hubLease: !env.supportsTimeSkipping,
    workflowBundle: await workflowBundle({ encryption: config.PAYLOAD_ENCRYPTION_KEYS !== undefined }),
  });
  const keys = config.PAYLOAD_ENCRYPTION_KEYS;
  const client =
    keys || options.skipTime === false
      ? new Client({
          connection: env.connection,
          namespace: env.namespace,
          ...(keys ? { dataConverter: clientDataConverter(keys) } : {}),
        })
      : env.client;
  const sessions = new ChatSessions(client, { taskQueue: config.CHAT_BRIDGE_TASK_QUEUE });
  return {
    config,
    client,
    sessions,
    worker,
    async run(fn) {
      try {
        return await worker.runUntil(fn);
      } finally {
        await worker.shutdown();
      }
    },
  };
}

let counter = 0;
export function uniqueCustomer(prefix = 'cust'): BusinessKey {
  counter += 1;
  return { channel: 'wechat', customerId: `${prefix}-${Date.now().toString(36)}-${counter}` };
}

export function sessionInput(
  key: BusinessKey,
  webhookUrl: string | undefined,
  extra: Partial<StartSessionInput> = {},
) {
  return {
    provider: 'salesforce-live-agent',
    customerId: key.customerId,
    visitorName: `Visitor ${key.customerId}`,
    ...(webhookUrl ? { webhookUrl } : {}),
    ...extra,
  } satisfies StartSessionInput;
}

/** Polls `check` until it returns a value (not undefined), for conditions observed through queries. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
