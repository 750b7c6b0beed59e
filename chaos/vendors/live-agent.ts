// Salesforce Live Agent behind the chaos seam: the strict simulator's faults by path, its 503 failover,
// and the "503 mid-send" trap (chaos/mid-send-failover.ts).
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { localLiveAgentIds } from '../../src/runtime/local-worker-env';
import type { ChaosVendor } from '../chaos-vendor';
import { armMidSendFailover } from '../mid-send-failover';

const noRates = { status5xx: 0, latency: 0, reset: 0, malformed: 0 };
const faultPaths = [undefined, 'System/Messages', 'Chasitor/'] as const;

export async function liveAgentChaosVendor(seed: number): Promise<ChaosVendor> {
  const sim = await LiveAgentSimulator.start({
    ...localLiveAgentIds,
    holdMs: 2_000,
    sessionTimeoutMs: 45_000,
    seed,
  });
  const where = (path: string | undefined) => path ?? 'any request';
  return {
    provider: 'salesforce-live-agent',
    url: sim.url,
    workerEnv: () => ({ LIVE_AGENT_URL: sim.url }),
    sessions: () =>
      sim.sessions().map((s) => ({
        id: s.id,
        ...(s.visitorName !== undefined ? { visitorName: s.visitorName } : {}),
        initialized: s.initialized,
        ended: s.ended || s.closed,
      })),
    accept: (id, agentName) => void sim.accept(id, { agentName }),
    sendAgentMessage: (id, text) => void sim.sendAgentMessage(id, text),
    endChat: (id) => void sim.endChat(id),
    customerMessages: (id) => sim.session(id).chasitorMessages,
    sessionLine(id) {
      const s = sim.session(id);
      return `vendor poll gap max ${s.maxPollGapMs} ms, ${s.reconnects.length} reconnect(s)`;
    },
    stats() {
      const s = sim.stats();
      return {
        conflicts409: s.conflicts409,
        expired: s.expiredSessions,
        faultsInjected: s.faultsInjected,
        maxGapMs: s.maxPollGapMs,
        line:
          `${s.reconnects} reconnects, ${s.failovers} failovers, ${s.faultsInjected} faults applied, ` +
          `${s.duplicatePostsDropped} duplicate POSTs dropped, max concurrent polls/session ${s.maxConcurrentPollsPerSession}, ` +
          `max poll gap ${s.maxPollGapMs} ms, ${s.conflicts409} 409s, ${s.expiredSessions} expired`,
      };
    },
    failover: (ids) => (ids ? ids.forEach((id) => sim.failover(id)) : sim.failover()),
    armMidSendCut(onFired) {
      armMidSendFailover(sim, (id, text) => onFired(id, text));
      return 'armed a 503 mid-send (next ChatMessage applied, its answer cut, then failover)';
    },
    serverErrors(dice) {
      const status = dice.pick([500, 502, 503]);
      const count = dice.int(1, 3);
      const path = dice.pick(faultPaths);
      sim.injectFault({ kind: 'status', status, count, ...(path ? { path } : {}) });
      return `inject HTTP ${status} x${count} on ${where(path)}`;
    },
    slowAnswers(dice) {
      const ms = dice.int(2_000, 6_000);
      const count = dice.int(2, 5);
      const path = dice.pick(faultPaths);
      sim.injectFault({ kind: 'latency', ms, count, ...(path ? { path } : {}) });
      return `inject ${ms} ms latency x${count} on ${where(path)}`;
    },
    connectionResets(dice) {
      const count = dice.int(1, 3);
      const path = dice.pick(faultPaths);
      // 'after': the server applied the request and the client never heard back.
      const phase = dice.pick(['before', 'after'] as const);
      sim.injectFault({ kind: 'reset', count, phase, ...(path ? { path } : {}) });
      return `inject connection reset (${phase} handling) x${count} on ${where(path)}`;
    },
    malformedAnswer(dice) {
      // One at a time: three malformed polls in a row end a session by design (MALFORMED_ATTEMPTS_LIMIT).
      const variant = dice.pick(['invalid-json', 'schema'] as const);
      sim.injectFault({ kind: 'malformed', variant, count: 1 });
      return `inject a malformed Messages body (${variant})`;
    },
    setRandomFaults(on) {
      const rates = on ? { status5xx: 0.05, latency: 0.1, reset: 0.03, malformed: 0 } : noRates;
      sim.setChaos({ faultRates: rates, failoverRate: on ? 0.01 : 0 });
      return on
        ? 'random faults (5xx 5%, latency 10%, reset 3%, failover 1% per request)'
        : 'random faults off';
    },
    clearFaults() {
      sim.setChaos({ faultRates: noRates, failoverRate: 0 });
      sim.clearFaults();
    },
    poison(id, depth) {
      let deep: unknown = 'bottom';
      for (let i = 0; i < depth; i += 1) deep = { nested: deep };
      sim.pushRawMessage(id, 'RichMessage', deep);
    },
    close: () => sim.close(),
  };
}
