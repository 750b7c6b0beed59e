// Genesys GMS behind the chaos seam: alias changes as its failover (a chat moving to another Chat
// Server), bursts of statusCode 1 and HTTP 5xx, cut connections, slow and malformed answers, and the
// "moved mid-send" trap: a send applied, its answer cut, and the chat moved before the retry. The
// deployment guide's 45 s flex-disconnect timeout, refreshed every second.
import { GmsSimulator } from '../../src/simulators/genesys-gms/gms-simulator';
import type { ChaosVendor } from '../chaos-vendor';
import { commonFaultActions } from './common-faults';

const flexMs = 45_000;
const refreshMs = 1_000;

export async function gmsChaosVendor(): Promise<ChaosVendor> {
  const sim = await GmsSimulator.start({ flexDisconnectTimeoutMs: flexMs });
  const chat = (id: string) => sim.chat(id);
  return {
    provider: 'genesys-gms',
    url: sim.serviceUrl,
    workerEnv: () => ({
      CHAT_BRIDGE_PROVIDERS: 'genesys-gms',
      GMS_SERVICE_URL: sim.serviceUrl,
      GMS_REFRESH_INTERVAL_MS: String(refreshMs),
      GMS_FLEX_DISCONNECT_TIMEOUT_MS: String(flexMs),
    }),
    sessions: () =>
      [...sim.chats.entries()].map(([id, c]) => ({
        id,
        ...(c.client.nickname !== undefined ? { visitorName: c.client.nickname } : {}),
        initialized: true,
        ended: c.ended || c.removed !== undefined,
      })),
    accept: (id, agentName) => sim.agentJoins(id, agentName),
    sendAgentMessage: (id, text) => {
      if (chat(id).ended) throw new Error(`chat ${id} has ended`);
      sim.agentSays(id, text);
    },
    endChat: (id) => sim.endChat(id),
    customerMessages: (id) =>
      chat(id)
        .transcript.filter((m) => m.type === 'Message' && m.from?.type === 'Client')
        .map((m) => ({ text: m.text ?? '', sequence: m.index, receivedAt: m.utcTime ?? 0 })),
    sessionLine(id) {
      const c = chat(id);
      return `vendor refresh gap max ${c.currentGapMs(Date.now())} ms, alias ${c.credentials.alias}, ${c.calls.total} calls`;
    },
    stats() {
      const s = sim.stats();
      return {
        conflicts409: 0, // GMS has no such refusal; two holders would show as overlapping refreshes
        expired: s.loggedOut,
        faultsInjected: s.faultsInjected,
        maxGapMs: s.maxCallGapMs,
        line:
          `${s.calls} calls, ${s.faultsInjected} faults applied, ${s.staleAliasRefused} stale-alias refusals, ` +
          `max concurrent refreshes/chat ${s.maxConcurrentRefreshesPerChat}, max refresh gap ${s.maxCallGapMs} ms, ` +
          `${s.loggedOut} logged out, ${s.removedBadKey} removed for a bad key`,
      };
    },
    failover(ids) {
      for (const id of ids ?? [...sim.chats.keys()]) if (!chat(id).ended) sim.rotateAlias(id);
    },
    armMidSendCut(onFired) {
      const live = [...sim.chats.entries()].filter(([, c]) => !c.ended);
      if (live.length === 0) return 'no open chat to move mid-send';
      const [id] = live[Math.floor(Math.random() * live.length)]!;
      sim.rotateAliasDuringNext(id, 'send');
      sim.injectFaults({ dropReplyNext: 1 });
      onFired(id, '(its next send)');
      return `armed: ${id}'s next send is applied, its answer cut, and the chat moves to another Chat Server`;
    },
    serverErrors(dice) {
      const status = dice.pick([500, 502, 503]);
      const count = dice.int(1, 3);
      const statusCode1 = dice.int(1, 3);
      sim.injectFaults({ http5xxNext: count, status, statusCode1Next: statusCode1 });
      return `inject HTTP ${status} x${count} and statusCode 1 x${statusCode1}`;
    },
    ...commonFaultActions((faults) => sim.injectFaults(faults)),
    setRandomFaults(on) {
      sim.injectFaults({ randomRate: on ? 0.08 : 0 });
      return on ? 'random faults on 8% of calls (5xx, statusCode 1, reset)' : 'random faults off';
    },
    clearFaults: () => sim.clearFaults(),
    poison(id, depth) {
      let deep: unknown = 'bottom';
      for (let i = 0; i < depth; i += 1) deep = { nested: deep };
      sim.pushRawItem(id, 'RichMessage', { payload: deep });
    },
    close: () => sim.close(),
  };
}
