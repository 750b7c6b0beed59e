// The push-mode callback against the CC-Gateway simulator over loopback: an agent signed in with this
// receiver's URL and a service token gets its events handed on oldest first, once; a wrong token, an
// agent not held here or a malformed body is refused with a retcode and hands nothing on; a listener
// that fails makes the gateway send the events again, and they are not dropped as repeats.
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { AgentApi } from '../../src/providers/huawei-cc-gateway/agent-api';
import { GatewayHttpClient } from '../../src/providers/huawei-cc-gateway/http-client';
import { PushReceiver, repeatedPrefix } from '../../src/providers/huawei-cc-gateway/push-receiver';
import type { AgentEvent } from '../../src/providers/huawei-cc-gateway/wire-schemas';
import { GatewaySimulator } from '../../src/simulators/huawei-cc-gateway/gateway-simulator';

const until = async (check: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('a repeated push is told by its prefix', () => {
  it('drops the run that repeats the end of what was taken; keeps alike events that are new', () => {
    assert.equal(repeatedPrefix(['a', 'b', 'c'], ['b', 'c', 'd']), 2, 'a resend with one new event');
    assert.equal(repeatedPrefix(['a', 'b', 'c'], ['d', 'e']), 0);
    // Two state changes alike in one millisecond, pushed in two lists: the second is new.
    assert.equal(repeatedPrefix(['ring', 'busy'], ['release', 'ready', 'ring', 'busy']), 0);
    assert.equal(repeatedPrefix([], ['a']), 0);
  });
});

describe('CC-Gateway push receiver', () => {
  const dispatcher = new Agent();
  let sim: GatewaySimulator;
  let receiver: PushReceiver;
  let api: AgentApi;
  const signal = () => AbortSignal.timeout(5_000);
  const signIn = (serviceToken: string) => ({
    password: 'pw',
    phonenum: '88001',
    callBackUri: receiver.url,
    serviceToken,
  });

  beforeEach(async () => {
    sim = await GatewaySimulator.start();
    sim.addAgent('291', 'pw');
    receiver = await PushReceiver.start();
    api = new AgentApi(
      new GatewayHttpClient(
        { baseUrl: sim.baseUrl, requestTimeoutMs: 2_000, maxBodyBytes: 1 << 20 },
        dispatcher,
      ),
    );
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });
  after(() => dispatcher.close());

  const post = async (body: unknown, token: string) => {
    const res = await request(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', service_token: token },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return (await res.body.json()) as { retcode: string };
  };

  it('hands an agent’s pushed events on oldest first, once each', async () => {
    const got: AgentEvent[] = [];
    receiver.register('291', { serviceToken: 'tok-1', onEvents: (events) => void got.push(...events) });
    await api.signIn('291', signIn('tok-1'), false, signal());
    sim.callArrives('291', 'c-1');
    sim.callReleased('291', 'c-1');
    await until(() => got.some((e) => e.eventType === 'AgentEvent_Call_Release'));
    const types = got.map((e) => e.eventType);
    assert.deepEqual(types.slice(0, 2), ['AgentOther_InService', 'AgentState_Ready']);
    assert.ok(types.indexOf('AgentEvent_Ringing') < types.indexOf('AgentEvent_Call_Release'));
    assert.equal(new Set(got.map((e) => JSON.stringify(e))).size, got.length, 'no event twice');
    // The gateway sends the same list again (its answer was lost): nothing is handed on twice.
    const again = await post({ workNo: '291', eventList: got.slice(-2) }, 'tok-1');
    assert.equal(again.retcode, '0');
    assert.equal(receiver.counts.repeats, 2);
  });

  it('a push that arrives before the agent is held waits for its listener and is taken the first time', async () => {
    const got: AgentEvent[] = [];
    // The gateway pushes the sign-in's events as it answers the sign-in; the session attaches later.
    await api.signIn('291', signIn('tok-1'), false, signal());
    await new Promise((r) => setTimeout(r, 300));
    receiver.register('291', { serviceToken: 'tok-1', onEvents: (events) => void got.push(...events) });
    await until(() => got.length >= 2);
    assert.deepEqual(
      got.map((e) => e.eventType),
      ['AgentOther_InService', 'AgentState_Ready'],
    );
    assert.equal(sim.stats().pushesFailed, 0, 'taken on the first try');
  });

  it('refuses a wrong token, an agent not held here and a malformed body; hands nothing on', async () => {
    receiver.awaitListenerMs = 200; // an agent never held here: refused after the short wait
    const got: AgentEvent[] = [];
    receiver.register('291', { serviceToken: 'tok-1', onEvents: (events) => void got.push(...events) });
    const event = { eventType: 'AgentState_Ready', workNo: '291', eventGenTime: 1, content: null };
    assert.equal((await post({ workNo: '291', eventList: [event] }, 'tok-2')).retcode, '100-001');
    assert.equal((await post({ workNo: '999', eventList: [event] }, 'tok-1')).retcode, '100-006');
    assert.equal((await post('{"workNo":', 'tok-1')).retcode, '000-002');
    assert.equal((await post({ workNo: '291', eventList: [{}] }, 'tok-1')).retcode, '000-002');
    assert.deepEqual(got, []);
    assert.equal(receiver.counts.refused, 4);
  });

  it('a listener that fails: the gateway sends the events again and they are handed on then', async () => {
    const got: AgentEvent[] = [];
    let failures = 1;
    receiver.register('291', {
      serviceToken: 'tok-1',
      onEvents: (events) => {
        if (failures-- > 0) throw new Error('the session did not take them');
        got.push(...events);
      },
    });
    await api.signIn('291', signIn('tok-1'), false, signal());
    await until(() => got.length >= 2);
    assert.deepEqual(
      got.map((e) => e.eventType),
      ['AgentOther_InService', 'AgentState_Ready'],
    );
    assert.ok(sim.stats().pushesFailed >= 1, 'the first push was refused');
  });
});
