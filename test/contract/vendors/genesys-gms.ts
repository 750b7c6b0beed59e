// Genesys GMS chat v2 (docs/protocols/genesys-gms.md) behind the contract interface: plain polling (no
// server hold), no outbound numbering, the alias change as its handover, the flex-disconnect timeout as
// its expiry.
import { GmsSimulator } from '../../../src/simulators/genesys-gms/gms-simulator';
import { eventually } from '../../helpers/bridge-harness';
import type { ContractSimulator, ContractVendor } from '../contract-vendor';

export const gmsContract: ContractVendor = {
  name: 'genesys-gms',
  async start({ realistic = false } = {}): Promise<ContractSimulator> {
    // Realistic: the deployment guide's 45 s flex-disconnect timeout (the Chat Server default is 300 s).
    const expiryMs = realistic ? 45_000 : 4_000;
    const refreshMs = realistic ? 3_000 : 400;
    const sim = await GmsSimulator.start({ flexDisconnectTimeoutMs: expiryMs });
    return {
      provider: 'genesys-gms',
      expiryMs,
      workerEnv: () => ({
        CHAT_BRIDGE_PROVIDERS: 'genesys-gms',
        GMS_SERVICE_URL: sim.serviceUrl,
        GMS_REFRESH_INTERVAL_MS: String(refreshMs),
        GMS_FLEX_DISCONNECT_TIMEOUT_MS: String(expiryMs),
      }),
      onlySessionId: () => eventually(() => (sim.chats.size === 1 ? [...sim.chats.keys()][0] : undefined)),
      accept: (id, agentName) => sim.agentJoins(id, agentName),
      agentSays: (id, text) => sim.agentSays(id, text),
      endChat: (id) => sim.endChat(id),
      forceHandover: (id) => void sim.rotateAlias(id),
      customerTexts: (id) => sim.chat(id).customerTexts(),
      endReason: (id) => sim.chat(id).endReason,
      // Polling holds nothing open: the session is held while its refreshes keep coming.
      connectionOpen: (id) => sim.chat(id).silentFor(Date.now()) < refreshMs * 3 + 1_000,
      stats: () => {
        const s = sim.stats();
        return {
          conflicts: 0, // GMS has no "second connection" refusal; two holders show as overlapping refreshes
          expired: s.loggedOut,
          maxConcurrentConnections: Math.max(1, s.maxConcurrentRefreshesPerChat),
          maxGapMs: s.maxCallGapMs,
        };
      },
      close: () => sim.close(),
    };
  },
};
