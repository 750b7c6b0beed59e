// The test-stream vendor (docs/test-stream-protocol.md) behind the contract interface: a server-sent
// event stream resumable by event id, no outbound sequence, token rotation as its handover.
import { TestStreamSimulator } from '../../../src/simulators/test-stream/test-stream-simulator';
import { eventually } from '../../helpers/bridge-harness';
import type { ContractSimulator, ContractVendor } from '../contract-vendor';

export const testStreamContract: ContractVendor = {
  name: 'test-stream',
  async start({ realistic = false } = {}): Promise<ContractSimulator> {
    const sim = await TestStreamSimulator.start(
      realistic ? { pingMs: 15_000, silenceLimitMs: 30_000 } : { pingMs: 500, silenceLimitMs: 4_000 },
    );
    return {
      provider: 'test-stream',
      expiryMs: realistic ? 30_000 : 4_000,
      workerEnv: () => ({
        CHAT_BRIDGE_PROVIDERS: 'test-stream',
        TEST_STREAM_URL: sim.url,
        TEST_STREAM_SILENCE_LIMIT_MS: realistic ? '30000' : '4000',
      }),
      onlySessionId: () =>
        eventually(() => {
          const sessions = sim.sessions();
          return sessions.length === 1 ? sessions[0]!.id : undefined;
        }),
      accept: (id, agentName) => void sim.accept(id, { agentName, agentId: 'agent-1' }),
      agentSays: (id, text) => void sim.sendAgentMessage(id, text),
      endChat: (id) => void sim.endChat(id),
      forceHandover: (id) => void sim.rotateToken(id),
      customerTexts: (id) => sim.session(id).customerMessages,
      endReason: (id) => sim.session(id).endReason,
      connectionOpen: (id) => sim.session(id).openStreams > 0,
      stats: () => {
        const s = sim.stats();
        return {
          conflicts: s.conflicts409,
          expired: s.expired,
          maxConcurrentConnections: s.maxConcurrentStreamsPerSession,
          maxGapMs: s.maxStreamGapMs,
        };
      },
      close: () => sim.close(),
    };
  },
};
