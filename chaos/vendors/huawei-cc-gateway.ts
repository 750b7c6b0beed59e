// Huawei CC-Gateway behind the chaos seam, for agent presences (chaos/presence-soak.ts): its failover is
// the gateway's, which signs every agent out ('failover-storm'), or an inspector forcing a few agents out
// ('failover'); faults are 5xx from the NSLB, resets before or after the gateway handled a call, slow
// and malformed answers. Chat actions (agent messages, a send cut mid-failover, poison messages) do not
// apply: the presence soak leaves them out of its rotation. Timings are the gateway's halved, so a
// short soak sees many rotations: a handshake every 15 s, a sign-out after 90 s of silence (a dev-server
// outage of 15 s and the re-homing after it leave up to a minute without a heartbeat), the GUID rotating
// every 30 s and a rotated-out one accepted for 90 s. Push callbacks reach the workers through a fan-out
// (a balancer).
import { freePort } from '../../src/runtime/free-port';
import { GatewaySimulator } from '../../src/simulators/huawei-cc-gateway/gateway-simulator';
import { PushFanout } from '../../src/simulators/huawei-cc-gateway/push-fanout';
import type { ChaosVendor } from '../chaos-vendor';
import { commonFaultActions } from './common-faults';

export const presenceTimings = {
  handshakeMs: 15_000,
  signOutAfterMs: 90_000,
  guidIntervalMs: 30_000,
  guidGraceMs: 90_000,
} as const;

export const agentPassword = 'chaos-agent-secret';

export interface HuaweiChaosVendor extends ChaosVendor {
  readonly sim: GatewaySimulator;
  /** The n-th worker's own variables: its push port, added to the fan-out. */
  workerEnvOf(n: number): Promise<Record<string, string>>;
}

function notForAgents(what: string): never {
  throw new Error(`${what} is a chat action; the agent presence soak does not use it`);
}

export async function huaweiChaosVendor(): Promise<HuaweiChaosVendor> {
  const sim = await GatewaySimulator.start({
    pollHoldMs: 10_000,
    heartbeatTimeoutMs: presenceTimings.signOutAfterMs,
    handshakeEveryMs: presenceTimings.handshakeMs,
    guidIntervalMs: presenceTimings.guidIntervalMs,
    guidGraceMs: presenceTimings.guidGraceMs,
  });
  const fanout = await PushFanout.start();
  return {
    provider: 'huawei-cc-gateway',
    url: sim.baseUrl,
    sim,
    workerEnv: () => ({
      CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway',
      HUAWEI_GATEWAY_URL: sim.baseUrl,
      HUAWEI_AGENT_PASSWORD: agentPassword,
      HUAWEI_HANDSHAKE_INTERVAL_MS: String(presenceTimings.handshakeMs),
      HUAWEI_SIGN_OUT_AFTER_MS: String(presenceTimings.signOutAfterMs),
      HUAWEI_PUSH_CALLBACK_URL: fanout.url,
    }),
    async workerEnvOf() {
      const port = await freePort();
      fanout.upstreams.push(`http://127.0.0.1:${port}/huawei/push`);
      return { HUAWEI_PUSH_PORT: String(port) };
    },
    // Agents stay "open" for the whole soak: a signed-out one is being signed in again.
    sessions: () =>
      [...sim.agents.values()].map((a) => ({ id: a.workNo, initialized: a.signedIn, ended: false })),
    accept: () => notForAgents('accept'),
    sendAgentMessage: () => notForAgents('sendAgentMessage'),
    endChat: () => notForAgents('endChat'),
    customerMessages: () => [],
    sessionLine(id) {
      const a = sim.agent(id);
      const reasons = a.signOuts.map((s) => s.reason).join(',') || 'none';
      const stale = a.staleRefusals
        .map((r) => `${r.call} ${r.behind} behind${r.sameSignIn ? '' : ' (an earlier sign-in)'}`)
        .join(', ');
      return (
        `gateway: ${a.signIns} sign-in(s), sign-outs ${reasons}, longest heartbeat gap ${Math.max(0, ...a.heartbeatGapsMs)} ms, ` +
        `${a.issued.length} events issued${stale ? `; stale GUIDs refused: ${stale}` : ''}`
      );
    },
    stats() {
      const s = sim.stats();
      return {
        conflicts409: 0,
        expired: s.heartbeatSignOuts,
        faultsInjected: s.faultsInjected,
        maxGapMs: s.maxHeartbeatGapMs,
        line:
          `${s.requests} calls, ${s.faultsInjected} faults applied, ${s.guidRotations} GUID rotations, ` +
          `${s.staleGuidRefusals} stale-GUID refusals (+${s.earlierSignInGuidRefusals} of earlier sign-ins), ${s.heartbeatSignOuts} sign-outs for silence, ` +
          `${s.failovers} failovers, ${s.pushesDelivered} pushes (${s.pushesFailed} failed), ` +
          `longest heartbeat gap ${s.maxHeartbeatGapMs} ms`,
      };
    },
    failover(ids) {
      if (ids === undefined) return void sim.failover();
      for (const id of ids) sim.forceOut(id);
    },
    armMidSendCut: () => notForAgents('armMidSendCut'),
    serverErrors(dice) {
      const status = dice.pick([500, 502, 503]);
      const count = dice.int(1, 4);
      sim.injectFaults({ http5xxNext: count, status });
      return `inject HTTP ${status} x${count}`;
    },
    ...commonFaultActions((faults) => sim.injectFaults(faults)),
    setRandomFaults(on) {
      sim.injectFaults({ randomRate: on ? 0.08 : 0 });
      return on ? 'random faults on 8% of calls (5xx, reset, latency)' : 'random faults off';
    },
    clearFaults: () => sim.clearFaults(),
    poison: () => notForAgents('poison'),
    async close() {
      await fanout.close();
      await sim.close();
    },
  };
}
