// Salesforce Live Agent's strict simulator behind the contract interface: a long poll with a 1 s hold.
import { LiveAgentSimulator } from '../../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { eventually, testIds } from '../../helpers/bridge-harness';
import { fastSimSettings } from '../../helpers/live-agent-fixture';
import type { ContractSimulator, ContractVendor } from '../contract-vendor';

export const liveAgentContract: ContractVendor = {
  name: 'salesforce-live-agent',
  async start({ realistic = false } = {}): Promise<ContractSimulator> {
    const sim = await LiveAgentSimulator.start(
      realistic ? { ...testIds, holdMs: 30_000, sessionTimeoutMs: 45_000 } : fastSimSettings,
    );
    return {
      provider: 'salesforce-live-agent',
      expiryMs: realistic ? 45_000 : fastSimSettings.sessionTimeoutMs!,
      workerEnv: () => ({
        CHAT_BRIDGE_PROVIDERS: 'salesforce-live-agent',
        LIVE_AGENT_URL: sim.url,
        LIVE_AGENT_ORG_ID: testIds.organizationId,
        LIVE_AGENT_DEPLOYMENT_ID: testIds.deploymentId,
        LIVE_AGENT_BUTTON_ID: testIds.buttonId,
      }),
      onlySessionId: () =>
        eventually(() => {
          const sessions = sim.sessions();
          return sessions.length === 1 && sessions[0]!.initialized ? sessions[0]!.id : undefined;
        }),
      accept: (id, agentName) => void sim.accept(id, { agentName }),
      agentSays: (id, text) => void sim.sendAgentMessage(id, text),
      endChat: (id) => void sim.endChat(id),
      forceHandover: (id) => void sim.failover(id),
      customerTexts: (id) => sim.session(id).chasitorMessages.map((m) => m.text),
      endReason: (id) => sim.session(id).endReason ?? undefined,
      connectionOpen: (id) => sim.session(id).pollOpen,
      stats: () => {
        const s = sim.stats();
        return {
          conflicts: s.conflicts409,
          expired: s.expiredSessions,
          maxConcurrentConnections: s.maxConcurrentPollsPerSession,
          maxGapMs: s.maxPollGapMs,
        };
      },
      close: () => sim.close(),
    };
  },
};
