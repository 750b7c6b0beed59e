// Per-test wiring: a strict Live Agent simulator, a webhook receiver and an in-process bridge worker.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import type { LiveAgentSimulatorSettingsInput } from '../../src/simulators/salesforce-live-agent/settings';
import type { BusinessKey } from '../../src/client';
import type { StartSessionInput } from '../../src/shared/session-types';
import {
  eventually,
  sessionInput,
  startBridge,
  testIds,
  testWebhookSecret,
  type Bridge,
} from './bridge-harness';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';

export interface LiveAgentFixture {
  sim: LiveAgentSimulator;
  webhook: WebhookReceiver;
  bridge: Bridge;
  close(): Promise<void>;
}

/** Short hold and timeout so a test sees several polls and a real expiry within seconds. */
export const fastSimSettings: LiveAgentSimulatorSettingsInput = {
  holdMs: 1_000,
  clientPollTimeoutSec: 5,
  sessionTimeoutMs: 4_000,
  organizationId: testIds.organizationId,
  deploymentId: testIds.deploymentId,
  buttonId: testIds.buttonId,
};

export async function liveAgentFixture(
  env: TestWorkflowEnvironment,
  settings: LiveAgentSimulatorSettingsInput = {},
  workerOverrides: Record<string, string> = {},
): Promise<LiveAgentFixture> {
  const sim = await LiveAgentSimulator.start({ ...fastSimSettings, ...settings });
  const webhook = await WebhookReceiver.start(testWebhookSecret);
  const bridge = await startBridge(env, sim.url, workerOverrides);
  return {
    sim,
    webhook,
    bridge,
    async close() {
      await bridge.worker.shutdown();
      await webhook.close();
      await sim.close();
    },
  };
}

/** The simulator's id of its only session, once ChasitorInit made it routable (each test has its own simulator). */
export async function onlySessionId(sim: LiveAgentSimulator): Promise<string> {
  return eventually(() => {
    const sessions = sim.sessions();
    return sessions.length === 1 && sessions[0]!.initialized ? sessions[0]!.id : undefined;
  });
}

/** Starts a session for `key` on the fixture and waits until the simulator has it initialized. */
export async function openChat(
  fixture: LiveAgentFixture,
  key: BusinessKey,
  extra: Partial<StartSessionInput> = {},
) {
  const handle = await fixture.bridge.sessions.startOrGet(key, sessionInput(key, fixture.webhook.url, extra));
  const vendorId = await onlySessionId(fixture.sim);
  return { handle, vendorId };
}

/** openChat, then the agent (Ada) accepts and the session reports `chatting`. */
export async function openAcceptedChat(
  fixture: LiveAgentFixture,
  key: BusinessKey,
  extra: Partial<StartSessionInput> = {},
) {
  const chat = await openChat(fixture, key, extra);
  fixture.sim.accept(chat.vendorId, { agentName: 'Ada' });
  await eventually(async () =>
    (await fixture.bridge.sessions.state(key)).status === 'chatting' ? true : undefined,
  );
  return chat;
}
