// The demo's Genesys GMS side: the strict simulator with the deployment guide's 45 s flex-disconnect
// timeout (the Chat Server default is 300 s) and a refresh every 2 s.
import { GmsSimulator } from '../simulators/genesys-gms/gms-simulator';
import type { DemoVendor } from './demo-vendor';

const refreshMs = 2_000;

export async function genesysGmsDemo(): Promise<DemoVendor> {
  const sim = await GmsSimulator.start({ flexDisconnectTimeoutMs: 45_000 });
  return {
    provider: 'genesys-gms',
    workerEnv: () => ({
      CHAT_BRIDGE_PROVIDERS: 'genesys-gms',
      GMS_SERVICE_URL: sim.serviceUrl,
      GMS_REFRESH_INTERVAL_MS: String(refreshMs),
      GMS_FLEX_DISCONNECT_TIMEOUT_MS: '45000',
    }),
    describe: () => `GMS simulator ${sim.serviceUrl} (control API ${sim.controlUrl})`,
    async waitForSession(waitUntil) {
      await waitUntil('request chat', () => sim.chats.size > 0);
      return [...sim.chats.keys()][0]!;
    },
    async queueThenAccept(id, agentName) {
      sim.notice(id, 'An agent will be with you shortly');
      await new Promise((r) => setTimeout(r, 300));
      sim.agentJoins(id, agentName);
    },
    agentSays: (id, text) => sim.agentSays(id, text),
    failover(id) {
      const alias = sim.rotateAlias(id);
      return `the chat moves to another Chat Server (alias → ${alias}) mid-chat`;
    },
    connectionHeld: (id) => sim.chat(id).silentFor(Date.now()) < refreshMs,
    endChat: (id) => sim.endChat(id),
    customerTexts: (id) => sim.chat(id).customerTexts(),
    statsLine() {
      const s = sim.stats();
      return `${s.calls} calls, ${s.staleAliasRefused} stale-alias refusals, ${s.loggedOut} logged out, max refresh gap ${s.maxCallGapMs} ms`;
    },
    close: () => sim.close(),
  };
}
