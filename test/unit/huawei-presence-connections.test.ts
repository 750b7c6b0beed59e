// The Huawei provider's pure pieces and its connections against the strict gateway simulator (real
// loopback HTTP, no Temporal): the announcement batch, the event mapping, the GUID book, a poll
// connection adopting rotated GUIDs and turning a sign-out into a handover whose credentials say why,
// and a push connection that answers a push only once its batch is recorded and drops a repeat.
import assert from 'node:assert/strict';
import { Agent as HttpAgent, request } from 'undici';
import { VendorCredentialsChanged, type JsonObject } from '../../src/providers/chat-provider';
import { AgentApi } from '../../src/providers/huawei-cc-gateway/agent-api';
import { announcement } from '../../src/providers/huawei-cc-gateway/announcement';
import { GuidBook } from '../../src/providers/huawei-cc-gateway/guid-book';
import { GatewayHttpClient } from '../../src/providers/huawei-cc-gateway/http-client';
import { PollConnection } from '../../src/providers/huawei-cc-gateway/poll-connection';
import {
  initialCursor,
  type PresenceCredentials,
} from '../../src/providers/huawei-cc-gateway/presence-credentials';
import { PushConnection } from '../../src/providers/huawei-cc-gateway/push-connection';
import { PushReceiver } from '../../src/providers/huawei-cc-gateway/push-receiver';
import { toBridgeEvent } from '../../src/providers/huawei-cc-gateway/to-bridge-event';
import { GatewaySimulator } from '../../src/simulators/huawei-cc-gateway/gateway-simulator';

const password = 'pw';

function credentialsOf(
  agentId: string,
  guid: string,
  extra: Partial<PresenceCredentials> = {},
): PresenceCredentials {
  return {
    agentId,
    guid,
    mode: 'poll',
    skills: 'all',
    signIn: 1,
    forced: false,
    forceLogin: false,
    reSignIn: 'always',
    signInBody: { password, phonenum: '1' },
    ...extra,
  };
}

describe('Huawei presence pieces', () => {
  it('announces a sign-in once: agentSignedIn (after agentSignedOut when it healed one), cursor advanced', () => {
    const first = announcement(credentialsOf('7', 'g'), initialCursor);
    assert.deepEqual(
      first?.events.map((e) => e.kind),
      ['agentSignedIn'],
    );
    assert.equal(announcement(credentialsOf('7', 'g'), { ...initialCursor, announced: 1 }), undefined);
    const healed = announcement(credentialsOf('7', 'g', { signIn: 2, healedFrom: 'retcode 100-006' }), {
      ...initialCursor,
      announced: 1,
    });
    assert.deepEqual(healed?.events, [
      { kind: 'agentSignedOut', agentId: '7', reason: 'retcode 100-006' },
      { kind: 'agentSignedIn', agentId: '7', skills: ['all'], mode: 'poll', forced: false, healed: true },
    ]);
    assert.equal(healed?.cursor.announced, 2);
  });

  it('maps gateway events to agentEvent with the state they imply; unknown types keep no state', () => {
    assert.deepEqual(
      toBridgeEvent({ eventType: 'AgentState_SetRest_Success', eventGenTime: 5, content: null }),
      {
        kind: 'agentEvent',
        eventType: 'AgentState_SetRest_Success',
        state: 'rest',
        content: null,
        genTime: 5,
      },
    );
    assert.deepEqual(toBridgeEvent({ eventType: 'AgentMediaEvent_Whatever' }), {
      kind: 'agentEvent',
      eventType: 'AgentMediaEvent_Whatever',
    });
  });

  it('the GUID book: a learned GUID per sign-in, never carried over to the next sign-in', () => {
    const book = new GuidBook();
    const one = credentialsOf('7', 'g1');
    assert.equal(book.current(one), 'g1');
    assert.equal(book.learned(one), undefined);
    book.adopt(one, 'g2');
    book.adopt(one, null);
    assert.equal(book.current(one), 'g2');
    assert.equal(book.learned(one), 'g2');
    const two = credentialsOf('7', 'h1', { signIn: 2 });
    assert.equal(book.current(two), 'h1');
  });

  it('the GUID book: a 000-003 on the GUID this worker knows is tried once with the recorded one, which is adopted', async () => {
    const book = new GuidBook();
    const before = credentialsOf('7', 'g1');
    book.adopt(before, 'g2'); // learned here, then the connection moved away
    const recorded = credentialsOf('7', 'g5'); // what another worker learned, recorded by a handover
    const refuse = (code: string) => new Error(`retcode ${code}`);
    const tried: string[] = [];
    const result = await book.withGuid(recorded, async (guid) => {
      tried.push(guid);
      if (guid !== 'g5') throw refuse('000-003');
      return 'ok';
    });
    assert.equal(result, 'ok');
    assert.deepEqual(tried, ['g2', 'g5']);
    assert.equal(book.current(recorded), 'g5');
    // A sign-out (100-006) is not a stale GUID: no second try.
    book.adopt(recorded, 'g6');
    await assert.rejects(
      book.withGuid(recorded, async () => {
        throw refuse('100-006');
      }),
      /100-006/,
    );
  });
});

describe('Huawei connections against the gateway simulator', function () {
  this.timeout(20_000);
  let sim: GatewaySimulator;
  let api: AgentApi;
  const dispatcher = new HttpAgent();

  beforeEach(async () => {
    sim = await GatewaySimulator.start({ pollHoldMs: 300, guidIntervalMs: 200, guidGraceMs: 400 });
    api = new AgentApi(
      new GatewayHttpClient(
        { baseUrl: sim.baseUrl, requestTimeoutMs: 2_000, maxBodyBytes: 65_536 },
        dispatcher,
      ),
    );
  });
  afterEach(() => sim.close());
  after(() => dispatcher.close());

  it('poll: adopts every rotated GUID at once (none refused), and hands a sign-out over marked with why', async () => {
    sim.addAgent('301', password);
    const { guid } = await api.signIn('301', { password, phonenum: '1' }, false, AbortSignal.timeout(2_000));
    const credentials = credentialsOf('301', guid);
    const book = new GuidBook();
    const connection = new PollConnection(credentials, api, book, 10);
    let cursor: JsonObject = { ...initialCursor, announced: 1 };
    const types: string[] = [];
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      const batch = await connection.next(cursor, AbortSignal.timeout(5_000));
      cursor = batch.cursor;
      for (const e of batch.events) if (e.kind === 'agentEvent') types.push(e.eventType);
    }
    assert.deepEqual(types, ['AgentOther_InService', 'AgentState_Ready']);
    assert.ok(sim.stats().guidRotations >= 2, `rotations: ${sim.stats().guidRotations}`);
    assert.equal(sim.stats().staleGuidRefusals, 0);
    assert.notEqual(book.current(credentials), guid);
    assert.equal((connection.learnedCredentials() as PresenceCredentials).guid, book.current(credentials));
    sim.forceOut('301');
    let thrown: unknown;
    for (let i = 0; i < 5 && !thrown; i++) {
      try {
        cursor = (await connection.next(cursor, AbortSignal.timeout(5_000))).cursor;
      } catch (err) {
        thrown = err;
      }
    }
    assert.ok(thrown instanceof VendorCredentialsChanged, String(thrown));
    assert.match(String(thrown.credentials.signedOut), /100-006/);
  });

  it('push: a push is answered only once the cursor records it; a recorded push sent again is dropped', async () => {
    const receiver = await PushReceiver.start();
    try {
      sim.addAgent('302', password);
      const token = 'token-302';
      const { guid } = await api.signIn(
        '302',
        { password, phonenum: '1', callBackUri: receiver.url, serviceToken: token },
        false,
        AbortSignal.timeout(2_000),
      );
      const credentials = credentialsOf('302', guid, { mode: 'push', serviceToken: token });
      const connection = new PushConnection(
        credentials,
        receiver,
        new GuidBook(),
        3_000,
        async () => undefined,
      );
      let cursor: JsonObject = { ...initialCursor, announced: 1 };
      const first = await connection.next(cursor, AbortSignal.timeout(5_000));
      assert.deepEqual(
        first.events.map((e) => (e.kind === 'agentEvent' ? e.eventType : e.kind)),
        ['AgentOther_InService', 'AgentState_Ready'],
      );
      // Not recorded yet: the gateway still waits for its answer, and the same batch is handed again.
      assert.equal(sim.stats().pushesDelivered, 0);
      const again = await connection.next(cursor, AbortSignal.timeout(5_000));
      assert.deepEqual(again.events, first.events);
      cursor = again.cursor;
      sim.callArrives('302', 'c1');
      const next = await connection.next(cursor, AbortSignal.timeout(5_000));
      assert.equal(sim.stats().pushesDelivered, 1, 'answered once recorded');
      assert.ok(next.events.some((e) => e.kind === 'agentEvent' && e.eventType === 'AgentEvent_Ringing'));
      connection.close();
      // Another worker, after this one died before answering the push it recorded last: the gateway
      // pushes it again. The new connection answers at once and hands nothing (the cursor names them).
      const other = await PushReceiver.start();
      try {
        const moved = new PushConnection(credentials, other, new GuidBook(), 3_000, async () => undefined);
        const waiting = moved.next(next.cursor, AbortSignal.timeout(1_500));
        const repeat = sim.agent('302').issued.slice(2); // the call's events, unanswered
        assert.equal(repeat[0]?.eventType, 'AgentEvent_Ringing');
        const res = await request(other.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', service_token: token },
          body: JSON.stringify({ workNo: '302', eventList: repeat }),
        });
        assert.equal(((await res.body.json()) as { retcode: string }).retcode, '0');
        assert.deepEqual((await waiting).events, []);
        moved.close();
      } finally {
        await other.close();
      }
    } finally {
      await receiver.close();
    }
  });
});
