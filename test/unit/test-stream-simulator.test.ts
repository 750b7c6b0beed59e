// The test-stream simulator must be as strict as its protocol (docs/test-stream-protocol.md), and the
// provider must meet it: these tests drive the real provider against the real simulator on loopback, the
// way the hub does (receive, record the cursor, receive from it), with timings compressed to ms.
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import type { JsonObject, ReceivedBatch, VendorConnection } from '../../src/providers/chat-provider';
import { testStreamModule, TestStreamProvider, type TestStreamConfig } from '../../src/providers/test-stream';
import { isFailureType } from '../../src/providers/vendor-failure';
import type { BridgeEvent } from '../../src/shared/events';
import { FailureType, type FailureTypeName } from '../../src/shared/failure-types';
import { TestStreamSimulator, type TestStreamSimulatorOptions } from '../../src/simulators/test-stream';

const stamp = (idempotencyKey: string) => ({ sequence: null, idempotencyKey });
const openRequest = { customerId: 'c-1', visitorName: 'Vera', providerOptions: {} };

/** Rejects a promise that must fail with `type`; returns the failure. */
async function failsWith(promise: Promise<unknown>, type: FailureTypeName): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isFailureType(err, type), `expected ${type}, got ${String(err)}`);
    return true;
  });
}

/** The hub's loop in small: receive, record the cursor, until `count` events arrived. */
class Receiver {
  cursor: JsonObject = { lastEventId: null };
  readonly events: BridgeEvent[] = [];

  constructor(public connection: VendorConnection) {}

  async next(timeoutMs = 3000): Promise<ReceivedBatch> {
    const batch = await this.connection.next(this.cursor, AbortSignal.timeout(timeoutMs));
    this.events.push(...batch.events);
    this.cursor = batch.cursor;
    return batch;
  }

  async until(count: number): Promise<BridgeEvent[]> {
    const start = this.events.length;
    while (this.events.length - start < count) await this.next();
    return this.events.slice(start);
  }
}

describe('test-stream simulator, through the provider', function () {
  this.timeout(20_000);
  let sim: TestStreamSimulator;
  let dispatcher: Agent;
  let provider: TestStreamProvider;
  const connections: VendorConnection[] = [];

  async function startSim(options: TestStreamSimulatorOptions = {}): Promise<void> {
    await sim?.close();
    sim = await TestStreamSimulator.start({ pingMs: 200, silenceLimitMs: 2_000, ...options });
    const config: TestStreamConfig = {
      baseUrl: sim.url,
      requestTimeoutMs: 2_000,
      silenceLimitMs: sim.settings.silenceLimitMs,
      streamIdleTimeoutMs: 2_000,
    };
    provider = new TestStreamProvider(config, dispatcher);
  }

  async function open() {
    const opened = await provider.open(openRequest, AbortSignal.timeout(2000));
    const connection = provider.connect(opened.credentials);
    connections.push(connection);
    return { opened, creds: opened.credentials, id: opened.vendorSessionId, rx: new Receiver(connection) };
  }

  const view = (id: string) => sim.sessions().find((s) => s.id === id)!;

  beforeEach(async () => {
    dispatcher = new Agent();
    await startSim();
  });

  afterEach(async () => {
    for (const c of connections.splice(0)) c.close();
    await sim.close();
    await dispatcher.close();
  });

  it('opens a session with the eventStream profile and carries messages both ways', async () => {
    const { opened, creds, id, rx } = await open();
    assert.equal(opened.firstSequence, 0);
    assert.deepEqual(opened.cursor, { lastEventId: null });
    assert.deepEqual(opened.profile, {
      transport: 'eventStream',
      receiveIntervalMs: 0,
      keepAliveEveryMs: null,
      silenceLimitMs: 2_000,
      outboundSequence: false,
      afterReconnect: { restartsSequence: false, replaysTranscript: false },
    });
    assert.equal(provider.sessionKeyOf(creds), `test-stream:${id}`);

    assert.deepEqual(await rx.until(1), [{ kind: 'queueUpdate', position: 1 }]);
    assert.deepEqual(rx.cursor, { lastEventId: 1 });

    sim.queueUpdate(id, 0, 5);
    sim.accept(id, { agentName: 'Ada', agentId: 'a-1' });
    sim.typing(id, true);
    sim.sendAgentMessage(id, 'Hello, how can I help?');
    sim.typing(id, false);
    sim.agentLeft(id);
    sim.pushRawEvent(id, 'surveyOffered', { url: 'https://example.test/s' });
    assert.deepEqual(await rx.until(7), [
      { kind: 'queueUpdate', position: 0, estimatedWaitSeconds: 5 },
      { kind: 'agentConnected', agentName: 'Ada', agentId: 'a-1' },
      { kind: 'agentTyping' },
      { kind: 'messageReceived', text: 'Hello, how can I help?', agentName: 'Ada' },
      { kind: 'agentNotTyping' },
      { kind: 'agentDisconnected' },
      { kind: 'unknown', vendorType: 'surveyOffered', raw: { url: 'https://example.test/s' } },
    ]);
    assert.deepEqual(rx.cursor, { lastEventId: 8 });

    const signal = AbortSignal.timeout(2000);
    await provider.send(creds, { kind: 'typing' }, stamp('t-1'), signal);
    assert.equal(view(id).customerTyping, true);
    await provider.send(creds, { kind: 'message', text: 'My order is late' }, stamp('m-1'), signal);
    await provider.send(creds, { kind: 'notTyping' }, stamp('t-2'), signal);
    assert.deepEqual(view(id).customerMessages, ['My order is late']);
    assert.equal(view(id).customerTyping, false);
    await failsWith(
      provider.send(creds, { kind: 'customEvent', type: 't', data: 'd' }, stamp('c-1'), signal),
      FailureType.requestRejected,
    );

    await provider.send(creds, { kind: 'end' }, stamp('e-1'), signal);
    // A retried end (its first answer lost) is answered the same.
    await provider.send(creds, { kind: 'end' }, stamp('e-1'), signal);
    assert.deepEqual(await rx.until(1), [{ kind: 'chatEnded', reason: 'client' }]);
    assert.equal(view(id).endReason, 'client');
    await failsWith(
      provider.send(creds, { kind: 'message', text: 'late' }, stamp('m-2'), signal),
      FailureType.sessionGone,
    );

    const stats = sim.stats();
    assert.equal(stats.sessions, 1);
    assert.equal(stats.maxConcurrentStreamsPerSession, 1);
    assert.equal(stats.conflicts409, 0);
    assert.equal(stats.expired, 0);
    assert.ok(stats.maxStreamGapMs < 1_000, `maxStreamGapMs ${stats.maxStreamGapMs}`);
  });

  it('hands out a batch again when the cursor is asked for again (a failed commit), without a conflict', async () => {
    const { id, rx } = await open();
    await rx.until(1);
    const recorded = rx.cursor;
    sim.sendAgentMessage(id, 'one');
    sim.sendAgentMessage(id, 'two');
    const first = await rx.until(2);
    // The session did not record that batch: the hub asks again from the cursor it has.
    rx.cursor = recorded;
    assert.deepEqual(await rx.until(2), first);
    sim.sendAgentMessage(id, 'three');
    assert.deepEqual(await rx.until(1), [{ kind: 'messageReceived', text: 'three' }]);
    assert.deepEqual(rx.cursor, { lastEventId: 4 });
    const stats = sim.stats();
    assert.equal(stats.conflicts409, 0);
    assert.equal(stats.maxConcurrentStreamsPerSession, 1);
    assert.equal(view(id).streamsOpened, 2);
  });

  it('answers a second concurrent stream with 409 and ends the session (reason conflict)', async () => {
    const { creds, id, rx } = await open();
    await rx.until(1);
    const second = provider.connect(creds);
    connections.push(second);
    await failsWith(
      second.next({ lastEventId: null }, AbortSignal.timeout(2000)),
      FailureType.connectionConflict,
    );
    // The first stream is told the chat is over, then closed.
    assert.deepEqual(await rx.until(1), [{ kind: 'chatEnded', reason: 'conflict' }]);
    assert.equal(view(id).endReason, 'conflict');
    const stats = sim.stats();
    assert.equal(stats.conflicts409, 1);
    assert.equal(stats.maxConcurrentStreamsPerSession, 2);
    await failsWith(
      provider.send(creds, { kind: 'message', text: 'hello?' }, stamp('m-1'), AbortSignal.timeout(2000)),
      FailureType.sessionGone,
    );
  });

  it('expires a session left without a stream past the silence limit: every later call is a 404', async () => {
    await startSim({ silenceLimitMs: 150 });
    const { creds, id, rx } = await open();
    await sim.waitFor(() => view(id).expired, 2000, 'the session to expire');
    const stats = sim.stats();
    assert.equal(stats.expired, 1);
    assert.ok(stats.maxStreamGapMs > 150, `maxStreamGapMs ${stats.maxStreamGapMs}`);
    await failsWith(rx.next(), FailureType.sessionGone);
    await failsWith(
      provider.send(creds, { kind: 'message', text: 'anyone?' }, stamp('m-1'), AbortSignal.timeout(2000)),
      FailureType.sessionGone,
    );
    await failsWith(provider.reconnect(creds, rx.cursor, AbortSignal.timeout(2000)), FailureType.sessionGone);
  });

  it('keeps a streaming session alive past the silence limit (pings, no gap)', async () => {
    await startSim({ silenceLimitMs: 150, pingMs: 50 });
    const { id, rx } = await open();
    await rx.until(1);
    const pending = rx.next(2000);
    await new Promise((r) => setTimeout(r, 400));
    sim.sendAgentMessage(id, 'still here');
    await pending;
    assert.deepEqual(rx.events.at(-1), { kind: 'messageReceived', text: 'still here' });
    assert.equal(sim.stats().expired, 0);
  });

  it('treats a stream with no byte for the idle timeout as dead (vendorUnavailable), and reopens it', async () => {
    await startSim({ pingMs: 60_000 });
    provider = new TestStreamProvider(
      { baseUrl: sim.url, requestTimeoutMs: 2_000, silenceLimitMs: 2_000, streamIdleTimeoutMs: 150 },
      dispatcher,
    );
    const { id, rx } = await open();
    await rx.until(1);
    await failsWith(rx.next(), FailureType.vendorUnavailable);
    sim.sendAgentMessage(id, 'after the stall');
    assert.deepEqual(await rx.until(1), [{ kind: 'messageReceived', text: 'after the stall' }]);
    assert.equal(sim.stats().conflicts409, 0);
  });

  it('rotates the token with goaway: handoverRequired, resume, and Last-Event-ID resumes with no lost or doubled event', async () => {
    const { creds, id, rx } = await open();
    sim.accept(id, { agentName: 'Ada' });
    await rx.until(2);
    // Events written right before the goaway are handed out first; then the handover.
    sim.sendAgentMessage(id, 'before-1');
    sim.sendAgentMessage(id, 'before-2');
    sim.rotateToken(id, 'failover');
    let handover: unknown;
    while (!handover) await rx.next().catch((err: unknown) => (handover = err));
    assert.ok(isFailureType(handover, FailureType.handoverRequired), String(handover));
    assert.deepEqual(rx.cursor, { lastEventId: 4 });

    // The agent goes on during the handover; the old token is refused everywhere.
    sim.sendAgentMessage(id, 'during');
    const signal = AbortSignal.timeout(2000);
    await failsWith(rx.next(), FailureType.handoverRequired);
    await failsWith(
      provider.send(creds, { kind: 'message', text: 'hi' }, stamp('m-1'), signal),
      FailureType.handoverRequired,
    );

    const reconnected = await provider.reconnect(creds, rx.cursor, signal);
    assert.deepEqual(reconnected.cursor, rx.cursor);
    const fresh = reconnected.credentials;
    assert.notEqual(fresh.token, creds.token);
    // A repeated resume (its answer lost) gets the same token.
    assert.deepEqual((await provider.reconnect(creds, rx.cursor, signal)).credentials, fresh);

    rx.connection.close();
    rx.connection = provider.connect(fresh);
    connections.push(rx.connection);
    assert.deepEqual(await rx.until(1), [{ kind: 'messageReceived', text: 'during', agentName: 'Ada' }]);
    sim.sendAgentMessage(id, 'after');
    await rx.until(1);
    await provider.send(fresh, { kind: 'message', text: 'hi' }, stamp('m-1'), signal);

    const texts = rx.events.flatMap((e) => (e.kind === 'messageReceived' ? [e.text] : []));
    assert.deepEqual(texts, ['before-1', 'before-2', 'during', 'after']);
    assert.deepEqual(rx.cursor, { lastEventId: 6 });
    assert.deepEqual(view(id).customerMessages, ['hi']);
    const stats = sim.stats();
    assert.equal(stats.tokenRotations, 1);
    assert.equal(stats.conflicts409, 0);
    assert.equal(stats.maxConcurrentStreamsPerSession, 1);
  });

  it('stores a message whose idempotencyKey repeats only once', async () => {
    const { creds, id } = await open();
    const signal = AbortSignal.timeout(2000);
    await provider.send(creds, { kind: 'message', text: 'one' }, stamp('k-1'), signal);
    await provider.send(creds, { kind: 'message', text: 'one' }, stamp('k-1'), signal);
    await provider.send(creds, { kind: 'message', text: 'two' }, stamp('k-2'), signal);
    await provider.send(creds, { kind: 'message', text: 'one' }, stamp('k-1'), signal);
    assert.deepEqual(view(id).customerMessages, ['one', 'two']);
    assert.equal(view(id).duplicateMessagesIgnored, 2);
    assert.equal(sim.stats().duplicateMessagesIgnored, 2);
  });

  for (const variant of ['invalid-json', 'schema'] as const) {
    it(`fails a broken event (${variant}) as malformedResponse, and the retry from the cursor gets it intact`, async () => {
      const { id, rx } = await open();
      await rx.until(1);
      sim.malformedNext(1, variant);
      sim.sendAgentMessage(id, 'intact');
      await failsWith(rx.next(), FailureType.malformedResponse);
      assert.deepEqual(rx.cursor, { lastEventId: 1 });
      assert.deepEqual(await rx.until(1), [{ kind: 'messageReceived', text: 'intact' }]);
      assert.equal(sim.stats().malformedFramesSent, 1);
    });
  }

  it('fails an injected 5xx as vendorUnavailable, and the retry succeeds', async () => {
    const { creds, id, rx } = await open();
    sim.injectFaults({ status5xxNext: 2 });
    await failsWith(rx.next(), FailureType.vendorUnavailable);
    await failsWith(
      provider.send(creds, { kind: 'message', text: 'x' }, stamp('m-1'), AbortSignal.timeout(2000)),
      FailureType.vendorUnavailable,
    );
    await provider.send(creds, { kind: 'message', text: 'x' }, stamp('m-1'), AbortSignal.timeout(2000));
    assert.deepEqual(await rx.until(1), [{ kind: 'queueUpdate', position: 1 }]);
    assert.deepEqual(view(id).customerMessages, ['x']);
    assert.equal(sim.stats().faults5xxSent, 2);
  });

  it('ends next() promptly when its signal aborts, and closes the stream', async () => {
    const { id, rx } = await open();
    await rx.until(1);
    const controller = new AbortController();
    const pending = rx.connection.next(rx.cursor, controller.signal);
    await sim.waitFor(() => view(id).openStreams === 1, 2000, 'the stream to be open');
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('released')), 20);
    await assert.rejects(pending, /released/);
    assert.ok(Date.now() - started < 500, `next() took ${Date.now() - started} ms to end`);
    await sim.waitFor(() => view(id).openStreams === 0, 2000, 'the stream to close');
    // The connection stays usable: the next call reopens from the cursor.
    sim.sendAgentMessage(id, 'again');
    assert.deepEqual(await rx.until(1), [{ kind: 'messageReceived', text: 'again' }]);
    assert.equal(sim.stats().conflicts409, 0);
  });

  it('is strict on the wire: ids it never sent, missing tokens, extra fields, wrong media type, resume with a header', async () => {
    const { creds, id } = await open();
    const call = async (
      method: 'GET' | 'POST',
      path: string,
      headers: Record<string, string>,
      body?: string,
    ) => {
      const res = await request(`${sim.url}${path}`, { method, headers, body, dispatcher });
      return { status: res.statusCode, json: (await res.body.json()) as unknown };
    };
    const auth = { authorization: `Bearer ${String(creds.token)}`, 'content-type': 'application/json' };
    const ev = `/sessions/${id}/events`;
    assert.deepEqual(await call('GET', ev, { ...auth, 'last-event-id': '9' }), {
      status: 400,
      json: { error: 'bad_last_event_id' },
    });
    assert.deepEqual(await call('GET', ev, {}), { status: 401, json: { error: 'unauthorized' } });
    assert.deepEqual(await call('GET', ev, { authorization: 'Bearer nope' }), {
      status: 401,
      json: { error: 'invalid_token' },
    });
    const msg = `/sessions/${id}/messages`;
    assert.deepEqual(
      await call('POST', msg, auth, JSON.stringify({ idempotencyKey: 'k', text: 't', extra: 1 })),
      {
        status: 400,
        json: { error: 'bad_request' },
      },
    );
    assert.deepEqual(await call('POST', msg, { ...auth, 'content-type': 'text/plain' }, '{}'), {
      status: 415,
      json: { error: 'unsupported_media_type' },
    });
    assert.deepEqual(
      await call('POST', `/sessions/${id}/resume`, auth, JSON.stringify({ token: creds.token })),
      {
        status: 400,
        json: { error: 'bad_request' },
      },
    );
    assert.deepEqual(await call('POST', '/sessions/nope/end', auth, '{}'), {
      status: 404,
      json: { error: 'not_found' },
    });
    assert.deepEqual(view(id).customerMessages, []);
  });

  it('drives the agent side through the /__control/ API', async () => {
    const { id, rx } = await open();
    await rx.until(1);
    const control = async (path: string, body: unknown) => {
      const res = await request(`${sim.controlUrl}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        dispatcher,
      });
      return { status: res.statusCode, json: (await res.body.json()) as unknown };
    };
    assert.deepEqual(await control(`sessions/${id}/accept`, { agentName: 'Bo', agentId: 'b-1' }), {
      status: 200,
      json: { eventId: 2 },
    });
    assert.deepEqual(await control(`sessions/${id}/message`, { text: 'via control' }), {
      status: 200,
      json: { eventId: 3 },
    });
    assert.deepEqual(await rx.until(2), [
      { kind: 'agentConnected', agentName: 'Bo', agentId: 'b-1' },
      { kind: 'messageReceived', text: 'via control', agentName: 'Bo' },
    ]);
    assert.equal((await control('sessions/nope/message', { text: 'x' })).status, 404);
    assert.deepEqual(await control('faults', { status5xxNext: 1 }), {
      status: 200,
      json: { status5xxNext: 1, malformedNext: 0 },
    });
    assert.deepEqual(await control(`sessions/${id}/end`, {}), { status: 200, json: { eventId: 4 } });
    // The open stream carries the end: the armed 5xx waits for the next wire request.
    assert.deepEqual(await rx.until(1), [{ kind: 'chatEnded', reason: 'agent' }]);
    assert.equal(sim.session(id).endReason, 'agent');
  });
});

describe('test-stream module', () => {
  it('reads its environment: a required URL, timeouts with defaults', () => {
    const config = testStreamModule.envSchema.parse({ TEST_STREAM_URL: 'http://127.0.0.1:8091/v1/' });
    assert.deepEqual(config, {
      baseUrl: 'http://127.0.0.1:8091/v1',
      requestTimeoutMs: 10_000,
      silenceLimitMs: 30_000,
      streamIdleTimeoutMs: 45_000,
    });
    assert.equal(testStreamModule.name, 'test-stream');
    assert.equal(testStreamModule.envSchema.safeParse({}).success, false);
    assert.equal(
      testStreamModule.envSchema.safeParse({
        TEST_STREAM_URL: 'http://x',
        TEST_STREAM_SILENCE_LIMIT_MS: 'soon',
      }).success,
      false,
    );
  });
});
