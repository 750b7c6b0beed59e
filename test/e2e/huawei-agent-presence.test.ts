// Agent presences on Huawei CC-Gateway end to end against the strict gateway simulator over loopback
// HTTP: sign-in with skills, push and poll mode, every agent event delivered once and in order, state
// commands, a sign-out refused during a call and sent again after it, sign-outs the gateway makes healed
// (or not, per policy), GUID rotation under way, and bad input refused typed.
import assert from 'node:assert/strict';
import { AgentPresences, ChatEndedError, InvalidInputError, VendorRejectedError } from '../../src/client';
import { GatewaySimulator } from '../../src/simulators/huawei-cc-gateway/gateway-simulator';
import type { BridgeEvent } from '../../src/shared/events';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import { eventually, startBridge, testWebhookSecret, type Bridge } from '../helpers/bridge-harness';
import { useDevServer, useOwnTimeSkippingServer } from '../helpers/suite-hooks';

const password = 'agent-secret';
let nextAgent = 4100;

function huaweiEnv(sim: GatewaySimulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway',
    HUAWEI_GATEWAY_URL: sim.baseUrl,
    HUAWEI_AGENT_PASSWORD: password,
    HUAWEI_HANDSHAKE_INTERVAL_MS: '500',
    HUAWEI_SIGN_OUT_AFTER_MS: '3000',
    HUAWEI_POLL_INTERVAL_MS: '50',
    ...extra,
  };
}

describe('Huawei agent presences (dev server)', function () {
  this.timeout(120_000);
  const env = useDevServer();
  let sim: GatewaySimulator;
  let webhook: WebhookReceiver;
  let bridge: Bridge;
  let presences: AgentPresences;

  beforeEach(async () => {
    sim = await GatewaySimulator.start({
      pollHoldMs: 1_000,
      heartbeatTimeoutMs: 3_000,
      handshakeEveryMs: 500,
      guidIntervalMs: 1_000,
      guidGraceMs: 2_000,
    });
    webhook = await WebhookReceiver.start(testWebhookSecret);
    bridge = await startBridge(env(), 'http://127.0.0.1:9/unused/', huaweiEnv(sim), [], { skipTime: false });
    presences = new AgentPresences(bridge.client, { taskQueue: bridge.config.CHAT_BRIDGE_TASK_QUEUE });
  });
  afterEach(async () => {
    await bridge.worker.shutdown();
    await webhook.close();
    await sim.close();
  });

  const events = (): BridgeEvent[] => webhook.uniqueEvents().map((e) => e.event);
  const agentEventTypes = () => events().flatMap((e) => (e.kind === 'agentEvent' ? [e.eventType] : []));

  /** Every delivery names a distinct event, and the indices run 0, 1, 2 … with no gap: once, in order. */
  function assertOnceInOrder(): void {
    const unique = webhook.uniqueEvents();
    assert.deepEqual(
      unique.map((e) => e.index),
      unique.map((_, i) => i),
    );
  }

  async function signIn(mode: 'push' | 'poll', extra: Record<string, unknown> = {}) {
    const agentId = String(nextAgent++);
    sim.addAgent(agentId, password);
    const key = { gateway: 'sim', agentId };
    const handle = await presences.startOrGet(key, {
      phonenum: '70001',
      mode,
      skills: ['11', '12'],
      webhookUrl: webhook.url,
      ...extra,
    });
    await eventually(async () =>
      (await presences.state(key)).presence?.state === 'ready' ? true : undefined,
    );
    return { key, handle, agentId, agent: sim.agent(agentId) };
  }

  for (const mode of ['push', 'poll'] as const) {
    it(`${mode} mode: signs in with the skills, delivers every agent event once and in order, takes state commands`, async () => {
      await bridge.run(async () => {
        const { key, handle, agentId, agent } = await signIn(mode);
        assert.equal(agent.mode, mode);
        assert.deepEqual([...agent.skills], ['11', '12'], JSON.stringify(agent.skills));
        const first = events()[0];
        assert.ok(
          first?.kind === 'agentSignedIn' && first.agentId === agentId && !first.healed,
          JSON.stringify(first),
        );
        sim.callArrives(agentId, 'call-1');
        await webhook.waitFor(() => agentEventTypes().includes('AgentEvent_Talking'));
        sim.callReleased(agentId, 'call-1');
        await webhook.waitFor(() => agentEventTypes().includes('AgentEvent_Call_Release'));
        // Two GUID rotations under way (every second here): the commands use the newest GUID.
        await eventually(() => (sim.stats().guidRotations >= 2 ? true : undefined));
        await presences.setState(key, 'rest');
        await webhook.waitFor(() => agentEventTypes().includes('AgentState_SetRest_Success'));
        assert.equal(agent.state, 'rest');
        assert.equal((await presences.state(key)).presence?.state, 'rest');
        // What the gateway issued, the caller got: the same types in the same order.
        await webhook.waitFor(() => agentEventTypes().length === agent.issued.length);
        assert.deepEqual(
          agentEventTypes(),
          agent.issued.map((e) => e.eventType),
        );
        await presences.signOut(key);
        assert.equal((await handle.result()).endReason, 'client');
        assert.equal(agent.signedIn, false);
        assertOnceInOrder();
        // Heartbeats kept up with the rotating GUID: none refused, never signed out by the gateway.
        assert.equal(sim.stats().staleGuidRefusals, 0);
        assert.equal(sim.stats().heartbeatSignOuts, 0);
      });
    });
  }

  it('a sign-out during a call is refused by the gateway (100-010) and sent again once the call is released', async () => {
    await bridge.run(async () => {
      const { key, handle, agentId, agent } = await signIn('push');
      sim.callArrives(agentId, 'call-9');
      await webhook.waitFor(() => agentEventTypes().includes('AgentEvent_Talking'));
      let signedOut = false;
      const signOut = presences.signOut(key).then(() => (signedOut = true));
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(signedOut, false, 'not while the agent talks');
      assert.equal(agent.signedIn, true);
      sim.callReleased(agentId, 'call-9');
      await signOut;
      assert.equal(agent.signedIn, false);
      assert.equal((await handle.result()).endReason, 'client');
    });
  });

  it('an inspector forces the agent out: the caller hears agentSignedOut, the agent is signed in again (policy always)', async () => {
    await bridge.run(async () => {
      const { key, agentId, agent } = await signIn('poll');
      sim.forceOut(agentId);
      await webhook.waitFor(() => events().some((e) => e.kind === 'agentSignedIn' && e.healed));
      const out = events().find((e) => e.kind === 'agentSignedOut');
      // Whichever the bridge met first: the ShutdownService event, or its next poll refused (100-006).
      assert.ok(
        out && out.kind === 'agentSignedOut' && /ShutdownService|100-006/.test(out.reason),
        JSON.stringify(out),
      );
      assert.equal(agent.signIns, 2);
      assert.equal(agent.signedIn, true);
      const view = await eventually(async () => {
        const v = (await presences.state(key)).presence;
        return v?.signIns === 2 ? v : undefined;
      });
      assert.equal(view.signOuts, 1);
      await presences.setState(key, 'notReady');
      assert.equal(agent.state, 'busy');
      await presences.signOut(key);
      assertOnceInOrder();
    });
  });

  it('the gateway drops two agents at once (a failover): the one with reSignIn always is signed in again, the one with never ends typed', async () => {
    await bridge.run(async () => {
      const healed = await signIn('push');
      const never = await signIn('push', { reSignIn: 'never' });
      // The gateway loses both agents (a failover that dropped its sessions).
      sim.forceOut(healed.agentId);
      sim.forceOut(never.agentId);
      await eventually(() => (healed.agent.signIns === 2 && healed.agent.signedIn ? true : undefined));
      const result = await never.handle.result();
      assert.equal(result.endReason, 'vendorSessionExpired');
      assert.equal(never.agent.signIns, 1);
      await assert.rejects(presences.setState(never.key, 'ready'), ChatEndedError);
      await presences.signOut(healed.key);
    });
  });

  it('the webhook is down while calls come and go (alike state events in one millisecond, in separate pushes, all kept): the agent stays signed in, and every event arrives once and in order after', async () => {
    await bridge.run(async () => {
      const { key, agentId, agent } = await signIn('push');
      await webhook.down();
      for (const callid of ['w-1', 'w-2']) {
        sim.callArrives(agentId, callid);
        sim.callReleased(agentId, callid);
      }
      // Longer than the gateway's silence limit here (3 s): the handshakes never wait for deliveries.
      await new Promise((r) => setTimeout(r, 4_000));
      await webhook.up();
      await webhook.waitFor(() => agentEventTypes().length === agent.issued.length, 60_000);
      assert.deepEqual(
        agentEventTypes(),
        agent.issued.map((e) => e.eventType),
      );
      assertOnceInOrder();
      assert.equal(agent.signIns, 1);
      assert.equal(sim.stats().heartbeatSignOuts, 0);
      await presences.signOut(key);
    });
  });

  it('bad input is refused typed and changes nothing: options, agent key, state', async () => {
    await bridge.run(async () => {
      await assert.rejects(
        presences.startOrGet({ gateway: 'sim', agentId: 'x1' }, { phonenum: '1', webhookUrl: webhook.url }),
        InvalidInputError,
      );
      await assert.rejects(
        presences.startOrGet(
          { gateway: 'sim', agentId: '4999' },
          { phonenum: '1', mode: 'socket' as 'push', webhookUrl: webhook.url },
        ),
        InvalidInputError,
      );
      const { key, agent } = await signIn('poll');
      await assert.rejects(presences.setState(key, 'asleep' as 'ready'), InvalidInputError);
      assert.equal(agent.state, 'ready');
      // A wrong password is the gateway's refusal (100-004): the presence fails typed, nothing signed in.
      const wrong = String(nextAgent++);
      sim.addAgent(wrong, 'another-secret');
      const handle = await presences.startOrGet(
        { gateway: 'sim', agentId: wrong },
        { phonenum: '1', webhookUrl: webhook.url },
      );
      await assert.rejects(handle.result(), (err: Error) =>
        /VendorRequestRejected|100-004/.test(String((err as { cause?: unknown }).cause ?? err)),
      );
      assert.equal(sim.agent(wrong).signedIn, false);
      void VendorRejectedError;
      await presences.signOut(key);
    });
  });
});

describe('Huawei agent presences (time-skipping server)', function () {
  this.timeout(300_000);
  // Its own server: a signed-out presence may hand undelivered events to a deliveries workflow.
  const env = useOwnTimeSkippingServer();
  let skewMs = 0;
  let sim: GatewaySimulator;
  let webhook: WebhookReceiver;
  let bridge: Bridge;
  let presences: AgentPresences;

  beforeEach(async () => {
    skewMs = 0;
    // The gateway's clock runs with the server's skipped time: its reaper and GUID rotation see it.
    sim = await GatewaySimulator.start({ now: () => Date.now() + skewMs });
    webhook = await WebhookReceiver.start(testWebhookSecret);
    // Handshakes every 200 ms of real time; each skip below moves the gateway's clock 30 s between two.
    bridge = await startBridge(
      env(),
      'http://127.0.0.1:9/unused/',
      huaweiEnv(sim, { HUAWEI_HANDSHAKE_INTERVAL_MS: '200', HUAWEI_SIGN_OUT_AFTER_MS: '120000' }),
      [],
      { skipTime: false },
    );
    presences = new AgentPresences(bridge.client, { taskQueue: bridge.config.CHAT_BRIDGE_TASK_QUEUE });
  });
  afterEach(async () => {
    await bridge.worker.shutdown();
    await webhook.close();
    await sim.close();
  });

  async function signIn() {
    const agentId = String(nextAgent++);
    const agent = sim.addAgent(agentId, password);
    const key = { gateway: 'sim', agentId };
    const handle = await presences.startOrGet(key, {
      phonenum: '70001',
      mode: 'push',
      webhookUrl: webhook.url,
      tuning: { searchAttributes: false },
    });
    await eventually(async () =>
      (await presences.state(key)).presence?.state === 'ready' ? true : undefined,
    );
    return { key, handle, agentId, agent };
  }

  /** Skips `ms` of server time and the gateway's clock with it; at least one handshake lands after. */
  async function skip(ms: number, agent: { lastHeartbeatAt: number }) {
    await env().sleep(ms);
    skewMs += ms;
    const before = agent.lastHeartbeatAt;
    await eventually(() => (agent.lastHeartbeatAt > before ? true : undefined));
  }

  it('two hours of 30-second handshakes through GUID rotations: never signed out, none late or refused, no history added', async () => {
    await bridge.run(async () => {
      const { key, handle, agentId, agent } = await signIn();
      await new Promise((r) => setTimeout(r, 500));
      const before = (await handle.fetchHistory()).events?.length ?? 0;
      const serverStart = await env().currentTimeMs();
      for (let i = 0; i < 240; i++) await skip(30_000, agent);
      assert.ok((await env().currentTimeMs()) - serverStart >= 2 * 3600_000);
      const stats = sim.stats();
      assert.equal(stats.heartbeatSignOuts, 0);
      assert.equal(agent.signIns, 1);
      assert.equal(stats.lateHeartbeats, 0, `max gap ${stats.maxHeartbeatGapMs} ms`);
      assert.equal(stats.staleGuidRefusals, 0);
      assert.ok(stats.guidRotations >= 100, `rotations: ${stats.guidRotations}`);
      assert.equal((await handle.fetchHistory()).events?.length ?? 0, before, 'idle adds no history');
      sim.callArrives(agentId, 'late-call');
      await webhook.waitFor(() =>
        webhook
          .uniqueEvents()
          .some((e) => e.event.kind === 'agentEvent' && e.event.eventType === 'AgentEvent_Talking'),
      );
      sim.callReleased(agentId, 'late-call');
      await presences.signOut(key);
      assert.equal((await handle.result()).endReason, 'client');
      assert.equal(agent.signedIn, false);
    });
  });

  it('no handshake for over 2 minutes (a worker down): the gateway signs the agent out; the presence signs it in again and tells the caller', async () => {
    await bridge.run(async () => {
      const { key, agent } = await signIn();
      // 130 s pass at the gateway between two handshakes.
      skewMs += 130_000;
      await env().sleep(130_000);
      await webhook.waitFor(() =>
        webhook.uniqueEvents().some((e) => e.event.kind === 'agentSignedIn' && e.event.healed),
      );
      assert.equal(agent.signOuts[0]?.reason, 260, 'signed out by the heartbeat timeout');
      assert.equal(agent.signIns, 2);
      assert.equal(agent.signedIn, true);
      const out = webhook.uniqueEvents().find((e) => e.event.kind === 'agentSignedOut')?.event;
      assert.ok(out?.kind === 'agentSignedOut' && /100-006/.test(out.reason), JSON.stringify(out));
      await presences.setState(key, 'rest');
      assert.equal(agent.state, 'rest');
      await presences.signOut(key);
    });
  });
});
