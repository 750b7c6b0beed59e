// The demo's Live Agent side: the strict simulator with a 10 s hold and a 45 s session timeout.
import { LiveAgentSimulator } from '../simulators/salesforce-live-agent/live-agent-simulator';
import { localLiveAgentIds } from '../runtime/local-worker-env';
import type { DemoVendor } from './demo-vendor';

export async function liveAgentDemo(): Promise<DemoVendor> {
  const sim = await LiveAgentSimulator.start({
    ...localLiveAgentIds,
    holdMs: 10_000,
    sessionTimeoutMs: 45_000,
  });
  return {
    provider: 'salesforce-live-agent',
    workerEnv: () => ({ LIVE_AGENT_URL: sim.url }),
    describe: () => `Live Agent simulator ${sim.url} (control API ${sim.controlUrl})`,
    async waitForSession(waitUntil) {
      let id = '';
      await waitUntil('ChasitorInit', () => {
        const s = sim.sessions()[0];
        id = s?.initialized ? s.id : '';
        return id !== '';
      });
      return id;
    },
    async queueThenAccept(id, agentName) {
      sim.queueUpdate(id, 2, 40);
      await new Promise((r) => setTimeout(r, 300));
      sim.accept(id, { agentName });
    },
    agentSays: (id, text) => void sim.sendAgentMessage(id, text),
    failover(id) {
      sim.failover(id);
      return 'the vendor fails over (503 Invalid Affinity Token) mid-chat';
    },
    connectionHeld: (id) => sim.session(id).pollOpen,
    endChat: (id) => void sim.endChat(id),
    customerTexts: (id) => sim.session(id).chasitorMessages.map((m) => m.text),
    statsLine() {
      const s = sim.stats();
      return `${s.reconnects} reconnect(s), ${s.conflicts409} 409s, ${s.expiredSessions} expired, max poll gap ${s.maxPollGapMs} ms`;
    },
    close: () => sim.close(),
  };
}
