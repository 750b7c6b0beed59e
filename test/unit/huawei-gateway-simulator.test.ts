// The CC-Gateway simulator's rules (one agent, a clock the test moves) and the provider's wire pieces
// against it over loopback HTTP: sign-in and forcelogin, the GUID and its rotation with a grace, the
// reaper's two-minute sign-out, sign-out refused in a call, held polls, push delivery to a callback,
// and every retcode read as a typed failure.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { Agent } from 'undici';
import { AgentApi } from '../../src/providers/huawei-cc-gateway/agent-api';
import { guidOf } from '../../src/providers/huawei-cc-gateway/guid';
import { GatewayHttpClient } from '../../src/providers/huawei-cc-gateway/http-client';
import { failureTypeFor, readResult, retcode } from '../../src/providers/huawei-cc-gateway/retcodes';
import { FailureType } from '../../src/shared/failure-types';
import { GatewaySimulator } from '../../src/simulators/huawei-cc-gateway/gateway-simulator';
import { defaultGatewaySettings, SimAgent } from '../../src/simulators/huawei-cc-gateway/sim-agent';

const t0 = 1_000_000;
const signIn = { password: 'pw', phonenum: '88001' };

describe('CC-Gateway simulator: one agent', () => {
  const agent = () => new SimAgent('291', 'pw', defaultGatewaySettings);

  it('signs in once: a second sign-in is 100-002; forcelogin signs the other session out (264) with a new GUID', () => {
    const a = agent();
    assert.equal(a.signIn({ ...signIn, password: 'no' }, t0, false), retcode.wrongPassword);
    assert.equal(a.signIn({ password: 'pw' }, t0, false), retcode.signInParameter);
    assert.equal(a.signIn(signIn, t0, false), retcode.ok);
    const first = a.guid;
    assert.deepEqual(
      a.queue.map((e) => e.eventType),
      ['AgentOther_InService', 'AgentState_Ready'],
    );
    assert.equal(a.signIn(signIn, t0, false), retcode.signedInElsewhere);
    assert.equal(a.signIn(signIn, t0, true), retcode.ok);
    assert.notEqual(a.guid, first);
    assert.deepEqual(a.signOuts, [{ at: t0, reason: 264 }]);
    assert.equal(a.checkGuid(first!, t0), retcode.authExpired, 'the forced-out GUID is refused');
  });

  it('sign-in and sign-out are mutually exclusive while one is pending (000-007)', () => {
    const a = agent();
    a.pending = 'signOut';
    assert.equal(a.signIn(signIn, t0, false), retcode.repeatedInvocation);
    a.pending = 'signIn';
    assert.equal(a.requestSignOut(t0), retcode.repeatedInvocation);
  });

  it('AUTHMODE 2: the GUID rotates after 60 s on a heartbeat; the old one holds for the 120 s grace, then 000-003', () => {
    const a = agent();
    a.signIn(signIn, t0, false);
    const old = a.guid!;
    assert.equal(a.heartbeat(t0 + 30_000), null, 'not yet');
    const next = a.heartbeat(t0 + 60_000);
    assert.ok(next && next !== old);
    assert.equal(a.checkGuid(old, t0 + 60_000 + 120_000), null, 'the grace');
    assert.equal(a.checkGuid(old, t0 + 60_000 + 120_001), retcode.authExpired);
    assert.equal(a.checkGuid(next, t0 + 200_000), null);
  });

  it('the reaper signs out an agent silent for more than two minutes (reason 260); later calls are 100-006', () => {
    const a = agent();
    a.signIn(signIn, t0, false);
    assert.equal(a.reap(t0 + 120_000), false);
    assert.equal(a.reap(t0 + 120_001), true);
    assert.deepEqual(a.signOuts.at(-1), { at: t0 + 120_001, reason: 260 });
    assert.equal(a.checkGuid(a.guid ?? 'x', t0 + 120_002), retcode.notSignedIn);
    assert.equal(a.queue.at(-1)?.eventType, 'AgentOther_ShutdownService');
  });

  it('sign-out is refused in a call (100-010) and the agent stays; after the release it works', () => {
    const a = agent();
    a.signIn(signIn, t0, false);
    a.callArrives('c-1', 51, t0);
    assert.equal(a.requestSignOut(t0), retcode.inCall);
    assert.equal(a.signedIn, true);
    a.callReleased('c-1', t0);
    assert.equal(a.requestSignOut(t0), retcode.ok);
    assert.equal(a.requestSignOut(t0), retcode.alreadySignedOut);
  });
});

describe('CC-Gateway retcodes and GUID headers', () => {
  it('maps each documented retcode to a typed failure; unknown ones are refusals', () => {
    assert.equal(failureTypeFor('100-006'), FailureType.agentSignedOut);
    assert.equal(failureTypeFor('000-003'), FailureType.agentSignedOut);
    assert.equal(failureTypeFor('100-002'), FailureType.agentSignedInElsewhere);
    assert.equal(failureTypeFor('100-010'), FailureType.agentInCall);
    assert.equal(failureTypeFor('000-004'), FailureType.vendorUnavailable);
    assert.equal(failureTypeFor('000-007'), FailureType.vendorUnavailable);
    assert.equal(failureTypeFor('100-004'), FailureType.requestRejected);
    assert.equal(failureTypeFor('999-999'), FailureType.requestRejected);
    assert.throws(
      () => readResult({ retcode: '100-006', message: 'agent 291 not signed in' }, 'poll'),
      (err: unknown) =>
        err instanceof ApplicationFailure &&
        err.type === FailureType.agentSignedOut &&
        !err.message.includes('agent 291'),
    );
  });

  it('reads the GUID from Set-GUID: JSESSIONID=…', () => {
    assert.equal(guidOf('JSESSIONID=279fe21d-2caa.AgentGateway0'), '279fe21d-2caa.AgentGateway0');
    assert.equal(guidOf(['JSESSIONID=a', 'JSESSIONID=b']), 'b');
    assert.equal(guidOf('Path=/; JSESSIONID=c'), 'c');
    assert.equal(guidOf(undefined), null);
  });
});

describe('CC-Gateway client and simulator over HTTP', () => {
  const dispatcher = new Agent();
  let clock = t0;
  let sim: GatewaySimulator;
  let http: GatewayHttpClient;
  const signal = () => AbortSignal.timeout(5_000);

  beforeEach(async () => {
    clock = t0;
    sim = await GatewaySimulator.start({ pollHoldMs: 200, now: () => clock });
    sim.addAgent('291', 'pw');
    http = new GatewayHttpClient(
      { baseUrl: sim.baseUrl, requestTimeoutMs: 2_000, maxBodyBytes: 1 << 20 },
      dispatcher,
    );
  });
  afterEach(() => sim.close());
  after(() => dispatcher.close());

  const login = async (body: Record<string, unknown> = signIn) => {
    const answer = await http.call(
      {
        method: 'PUT',
        path: '/onlineagent/291',
        template: '/onlineagent/{agentid}',
        operation: 'login',
        body,
      },
      signal(),
    );
    readResult(answer.reply, 'login');
    assert.ok(answer.setGuid);
    return answer.setGuid;
  };
  const poll = (guid: string) =>
    http.call(
      {
        method: 'GET',
        path: '/agentevent/291',
        template: '/agentevent/{agentid}',
        operation: 'poll',
        guid,
        timeoutMs: 3_000,
      },
      signal(),
    );

  it('injected faults: a 503 from the NSLB, a reset, an answer cut after the state changed, a body that is not JSON', async () => {
    const api = new AgentApi(http);
    const { guid } = await api.signIn('291', signIn, false, signal());
    sim.injectFaults({ http5xxNext: 1, status: 503 });
    await assert.rejects(api.setState('291', guid, 'rest', signal()), (e: Error) =>
      /503|Unavailable/i.test(String(e)),
    );
    assert.equal(sim.agent('291').state, 'ready', 'the 503 came before the gateway');
    sim.injectFaults({ resetNext: 1 });
    await assert.rejects(api.setState('291', guid, 'rest', signal()));
    assert.equal(sim.agent('291').state, 'ready', 'reset before handling');
    sim.injectFaults({ dropReplyNext: 1 });
    await assert.rejects(api.setState('291', guid, 'rest', signal()));
    assert.equal(sim.agent('291').state, 'rest', 'handled, then the answer was cut');
    sim.injectFaults({ malformedNext: 1 });
    await assert.rejects(api.setState('291', guid, 'ready', signal()), (e: Error) =>
      /Malformed|JSON/i.test(String(e)),
    );
    assert.equal(sim.stats().faultsInjected, 4);
    await api.setState('291', guid, 'ready', signal());
    assert.equal(sim.agent('291').state, 'ready');
  });

  it('the agent API: forcelogin only when asked, skills, state changes, sign-out refused in a call then done', async () => {
    const api = new AgentApi(http);
    const first = await api.signIn('291', signIn, false, signal());
    await assert.rejects(
      api.signIn('291', signIn, false, signal()),
      (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.agentSignedInElsewhere,
    );
    const forced = await api.signIn('291', signIn, true, signal());
    assert.equal(forced.forced, true);
    assert.notEqual(forced.guid, first.guid);
    await api.resetSkills('291', forced.guid, ['7', '9'], signal());
    assert.deepEqual(sim.agent('291').skills, ['7', '9']);
    await api.setState('291', forced.guid, 'rest', signal());
    assert.equal(sim.agent('291').state, 'rest');
    const seen: string[] = [];
    for (
      let e = await api.poll('291', forced.guid, signal());
      e.event;
      e = await api.poll('291', forced.guid, signal())
    )
      seen.push(e.event.eventType);
    assert.deepEqual(seen.slice(-1), ['AgentState_SetRest_Success']);
    await api.setState('291', forced.guid, 'ready', signal());
    sim.callArrives('291', 'c-1');
    await assert.rejects(
      api.signOut('291', forced.guid, signal()),
      (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.agentInCall,
    );
    sim.callReleased('291', 'c-1');
    await api.signOut('291', forced.guid, signal());
    await api.signOut('291', forced.guid, signal()); // signed out already: done
    assert.equal(sim.agent('291').signedIn, false);
    await assert.rejects(
      api.poll('291', forced.guid, signal()),
      (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.agentSignedOut,
    );
  });

  it('sign-in answers Set-GUID; polls bring one event each, then an empty answer after the hold', async () => {
    const guid = await login();
    const types: string[] = [];
    for (;;) {
      const { reply } = await poll(guid);
      readResult(reply, 'poll');
      if (!reply.event) break;
      types.push(reply.event.eventType);
    }
    assert.deepEqual(types, ['AgentOther_InService', 'AgentState_Ready']);
    sim.callArrives('291', 'c-9');
    const ringing = (await poll(guid)).reply;
    assert.equal(ringing.event?.eventType, 'AgentEvent_Ringing');
  });

  it('under AUTHMODE 2 a poll after the interval answers a new Set-GUID; the old one expires after its grace', async () => {
    const guid = await login();
    clock += 60_000;
    const { setGuid } = await poll(guid);
    assert.ok(setGuid && setGuid !== guid);
    clock += 119_000;
    readResult((await poll(guid)).reply, 'poll'); // within the grace
    clock += 121_000 - 119_000 + 1;
    const late = (await poll(guid)).reply;
    assert.equal(late.retcode, retcode.authExpired);
    assert.equal(sim.stats().staleGuidRefusals, 1);
  });

  it('push mode: events are POSTed to callBackUri oldest first with service_token; a poll is 000-001; handshakes are the heartbeat', async () => {
    const received: Array<{ token: string | undefined; types: string[] }> = [];
    const callback = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { eventList: Array<{ eventType: string }> };
        received.push({
          token: req.headers.service_token as string | undefined,
          types: body.eventList.map((e) => e.eventType),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"success","retcode":"0"}');
      });
    });
    await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
    try {
      const uri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/push`;
      const guid = await login({ ...signIn, callBackUri: uri, serviceToken: 'tok-1' });
      for (let i = 0; i < 50 && received.flatMap((r) => r.types).length < 2; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        received.flatMap((r) => r.types),
        ['AgentOther_InService', 'AgentState_Ready'],
      );
      assert.equal(received[0]!.token, 'tok-1');
      assert.equal((await poll(guid)).reply.retcode, retcode.wrongEventMethod);
      clock += 30_000;
      const hs = await http.call(
        {
          method: 'POST',
          path: '/onlineagent/291/handshake',
          template: '/onlineagent/{agentid}/handshake',
          operation: 'handshake',
          guid,
          serviceToken: 'tok-1',
          body: {},
        },
        signal(),
      );
      readResult(hs.reply, 'handshake');
      assert.equal(sim.agent('291').lastHeartbeatAt, clock);
    } finally {
      await new Promise<void>((r) => callback.close(() => r()));
    }
  });
});
