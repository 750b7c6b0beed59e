// The Live Agent simulator must be as strict as the vendor (docs/protocols/salesforce-live-agent.md §1): these tests drive it with
// raw HTTP, the way a client would, with timings compressed to a few hundred milliseconds.
import assert from 'node:assert/strict';
import { request } from 'undici';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import type { LiveAgentSimulatorOptions } from '../../src/simulators/salesforce-live-agent/settings';
import {
  LIVE_AGENT_HEADERS,
  messageBodySchemas,
  messagesResponseSchema,
  reconnectSessionResponseSchema,
  sessionIdResponseSchema,
  type ChasitorInitRequest,
  type MessagesResponse,
  type SessionIdResponse,
} from '../../src/providers/salesforce-live-agent/wire-schemas';

const HOLD_MS = 300;
const fast: LiveAgentSimulatorOptions = { holdMs: HOLD_MS, sessionTimeoutMs: 2_000, clientPollTimeoutSec: 5 };

interface Answer {
  status: number;
  text: string;
}

/** A minimal visitor: the exact headers, and its own sequence counter. */
class Visitor {
  affinity = 'null';
  key = '';
  id = '';
  sequence = 0;

  constructor(private readonly sim: LiveAgentSimulator) {}

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: {
      body?: unknown;
      rawBody?: string;
      sequence?: number | null;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      [LIVE_AGENT_HEADERS.apiVersion]: this.sim.settings.apiVersion,
      [LIVE_AGENT_HEADERS.affinity]: this.affinity,
      'content-type': 'application/json',
    };
    if (this.key) headers[LIVE_AGENT_HEADERS.sessionKey] = this.key;
    if (options.sequence !== undefined && options.sequence !== null) {
      headers[LIVE_AGENT_HEADERS.sequence] = String(options.sequence);
    }
    Object.assign(headers, options.headers);
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const res = await request(new URL(path, this.sim.url), { method, headers, body, signal: options.signal });
    return { status: res.statusCode, text: await res.body.text() };
  }

  /** A Chasitor POST carrying the next sequence number. */
  post(noun: string, body?: unknown): Promise<Answer> {
    this.sequence += 1;
    return this.call('POST', `Chasitor/${noun}`, { body, sequence: this.sequence });
  }

  async start(): Promise<SessionIdResponse> {
    const answer = await this.call('GET', 'System/SessionId');
    assert.equal(answer.status, 200, answer.text);
    const session = sessionIdResponseSchema.parse(JSON.parse(answer.text));
    Object.assign(this, { id: session.id, key: session.key, affinity: session.affinityToken });
    return session;
  }

  initBody(overrides: Partial<ChasitorInitRequest> = {}): ChasitorInitRequest {
    const { organizationId, deploymentId, buttonId } = this.sim.settings;
    return {
      organizationId,
      deploymentId,
      buttonId,
      sessionId: this.id,
      userAgent: 'test',
      language: 'en-US',
      screenResolution: '1900x1080',
      visitorName: 'Vera Visitor',
      prechatDetails: [],
      prechatEntities: [],
      receiveQueueUpdates: true,
      isPost: true,
      ...overrides,
    };
  }

  async startChat(): Promise<void> {
    await this.start();
    const init = await this.post('ChasitorInit', this.initBody());
    assert.deepEqual(init, { status: 200, text: 'OK' });
  }

  poll(ack: number, signal?: AbortSignal): Promise<Answer> {
    return this.call('GET', `System/Messages?ack=${ack}`, { signal });
  }

  async poll200(ack: number): Promise<MessagesResponse> {
    const answer = await this.poll(ack);
    assert.equal(answer.status, 200, answer.text);
    return messagesResponseSchema.parse(JSON.parse(answer.text));
  }
}

const types = (batch: MessagesResponse) => batch.messages.map((m) => m.type);

describe('LiveAgentSimulator', function () {
  this.timeout(10_000);
  let sim: LiveAgentSimulator;
  let visitor: Visitor;

  async function startSim(options: LiveAgentSimulatorOptions = {}): Promise<void> {
    await sim?.close();
    sim = await LiveAgentSimulator.start({ ...fast, ...options });
    visitor = new Visitor(sim);
  }

  beforeEach(() => startSim());
  afterEach(() => sim.close());

  it('serves SessionId, ChasitorInit and Messages with ack semantics, then 204 after holdMs', async () => {
    const session = await visitor.start();
    assert.ok(sim.url.endsWith('/chat/rest/'));
    assert.match(session.key, /^[^!]+![0-9]+![^!]+$/);
    assert.match(session.affinityToken, /^[0-9a-f]{8}$/);
    assert.equal(session.clientPollTimeout, 5);
    assert.equal((await visitor.post('ChasitorInit', visitor.initBody())).text, 'OK');

    const first = await visitor.poll200(-1);
    assert.deepEqual(types(first), ['ChatRequestSuccess']);
    assert.equal(messageBodySchemas.ChatRequestSuccess.parse(first.messages[0]?.message).queuePosition, 1);

    sim.accept(visitor.id, { agentName: 'Ada' });
    const established = await visitor.poll200(first.sequence);
    assert.deepEqual(types(established), ['ChatEstablished']);
    assert.ok(established.sequence > first.sequence);
    assert.ok(established.offset! > first.offset!);

    const started = Date.now();
    const idle = await visitor.poll(established.sequence);
    assert.equal(idle.status, 204);
    assert.equal(idle.text, '');
    assert.ok(Date.now() - started >= HOLD_MS - 20, 'an empty poll is held for holdMs');

    // A message arriving during the hold answers the held poll at once.
    const held = visitor.poll200(established.sequence);
    await sim.waitFor(() => sim.session(visitor.id).pollOpen, 2_000, 'the poll to open');
    sim.sendAgentMessage(visitor.id, 'Hello, how can I help?');
    const reply = await held;
    assert.deepEqual(types(reply), ['ChatMessage']);
    const message = messageBodySchemas.ChatMessage.parse(reply.messages[0]?.message);
    assert.deepEqual([message.name, message.text], ['Ada', 'Hello, how can I help?']);

    assert.equal((await visitor.post('ChatMessage', { text: 'My order is late' })).status, 200);
    const details = sim.session(visitor.id);
    assert.deepEqual(
      details.chasitorMessages.map((m) => [m.text, m.sequence]),
      [['My order is late', 2]],
    );
    assert.deepEqual(
      details.transcript.map((e) => [e.type, e.content]),
      [
        ['Agent', 'Hello, how can I help?'],
        ['Chasitor', 'My order is late'],
      ],
    );
    const stats = sim.stats();
    assert.equal(stats.sessionsCreated, 1);
    assert.equal(stats.maxConcurrentPollsPerSession, 1);
    assert.equal(stats.pollsServed, 4);
  });

  it('sends unacked messages again on the next poll and rejects an ack it never sent', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    sim.accept(visitor.id, { agentName: 'Ada' });
    sim.sendAgentMessage(visitor.id, 'one');
    sim.sendAgentMessage(visitor.id, 'two');

    // The client lost the last answer and polls with its old ack: everything after it comes again.
    const again = await visitor.poll200(-1);
    assert.deepEqual(types(again), ['ChatRequestSuccess', 'ChatEstablished', 'ChatMessage', 'ChatMessage']);
    const rest = await visitor.poll200(first.sequence);
    assert.deepEqual(types(rest), ['ChatEstablished', 'ChatMessage', 'ChatMessage']);
    assert.equal(rest.sequence, again.sequence);

    const ahead = await visitor.poll(rest.sequence + 5);
    assert.equal(ahead.status, 400);
    assert.equal((await visitor.call('GET', 'System/Messages')).status, 400, 'ack is required');
    assert.equal((await visitor.poll(rest.sequence)).status, 204);
  });

  it('answers a second concurrent poll with 409 and ends the chat', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    const held = visitor.poll(first.sequence);
    await sim.waitFor(() => sim.session(visitor.id).pollOpen, 2_000, 'the first poll to open');
    const second = await visitor.poll(first.sequence);
    assert.equal(second.status, 409);
    assert.equal((await held).status, 409);
    const later = await visitor.post('ChatMessage', { text: 'still there?' });
    assert.deepEqual(later, { status: 403, text: 'Session required but was invalid or not found' });
    assert.equal(sim.session(visitor.id).endReason, 'conflict409');
    const stats = sim.stats();
    assert.equal(stats.conflicts409, 1);
    assert.equal(stats.maxConcurrentPollsPerSession, 2);
  });

  it('expires a session after a poll gap longer than sessionTimeoutMs', async () => {
    await startSim({ sessionTimeoutMs: 400 });
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const late = await visitor.poll(first.sequence);
    assert.deepEqual(late, { status: 403, text: 'Session required but was invalid or not found' });
    const stats = sim.stats();
    assert.equal(stats.expiredSessions, 1);
    assert.ok(stats.maxPollGapMs >= 400);
    assert.equal(sim.session(visitor.id).endReason, 'expired');
  });

  it('rejects a ChasitorInit with an empty buttonOverrides or a prechat detail without its label', async () => {
    for (const overrides of [{ buttonOverrides: [] }, { prechatDetails: [{ value: 'x' } as never] }]) {
      const other = new Visitor(sim);
      await other.start();
      assert.equal((await other.post('ChasitorInit', other.initBody(overrides))).status, 400);
    }
  });

  it('rejects what the vendor rejects: key, version, affinity, sequence, body, path, method', async () => {
    await visitor.startChat();
    const key = visitor.key;
    visitor.key = `${key}x`;
    assert.deepEqual(await visitor.poll(-1), {
      status: 403,
      text: 'Session required but was invalid or not found',
    });
    visitor.key = key;
    const oldVersion = await visitor.call('GET', 'System/Messages?ack=-1', {
      headers: { [LIVE_AGENT_HEADERS.apiVersion]: '34' },
    });
    assert.equal(oldVersion.status, 400);
    const wrongAffinity = await visitor.call('GET', 'System/Messages?ack=-1', {
      headers: { [LIVE_AGENT_HEADERS.affinity]: 'null' },
    });
    assert.deepEqual(wrongAffinity, { status: 503, text: 'Invalid Affinity Token' });
    assert.equal((await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: 'x' } })).status, 400);
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: 'x' }, sequence: 0 })).status,
      400,
    );
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatMessage', { rawBody: '{"text":', sequence: 5 })).status,
      400,
    );
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: '' }, sequence: 6 })).status,
      400,
    );
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatEnd', { body: { reason: 'agent' }, sequence: 7 })).status,
      400,
    );
    assert.equal((await visitor.call('GET', 'Chasitor/Nope')).status, 404);
    assert.equal((await visitor.call('POST', 'System/Messages?ack=-1')).status, 405);
    assert.equal(
      (await visitor.post('ChasitorInit', visitor.initBody())).status,
      400,
      'ChasitorInit only once',
    );
    assert.equal(sim.session(visitor.id).chasitorMessages.length, 0, 'nothing rejected was applied');

    const stranger = new Visitor(sim);
    await stranger.start();
    assert.equal((await stranger.poll(-1)).status, 403, 'Messages before ChasitorInit');
    assert.equal(
      (await stranger.post('ChasitorInit', stranger.initBody({ buttonId: '573000000000999' }))).status,
      400,
    );
  });

  it('answers 503 after a failover until ReconnectSession, then replays ChasitorSessionData first', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    sim.accept(visitor.id, { agentName: 'Ada' });
    sim.sendAgentMessage(visitor.id, 'before failover');
    assert.equal((await visitor.post('ChatMessage', { text: 'hi' })).status, 200);
    const batch = await visitor.poll200(first.sequence);

    const held = visitor.poll(batch.sequence);
    await sim.waitFor(() => sim.session(visitor.id).pollOpen, 2_000, 'the poll to open');
    sim.failover(visitor.id);
    assert.deepEqual(await held, { status: 503, text: 'Invalid Affinity Token' });
    sim.sendAgentMessage(visitor.id, 'during failover');
    assert.equal((await visitor.poll(batch.sequence)).status, 503);
    assert.equal((await visitor.post('ChatMessage', { text: 'buffered' })).status, 503);

    const oldToken = visitor.affinity;
    visitor.affinity = 'null';
    const answer = await visitor.call(
      'GET',
      `System/ReconnectSession?ReconnectSession.offset=${batch.offset}`,
    );
    assert.equal(answer.status, 200, answer.text);
    const reconnect = reconnectSessionResponseSchema.parse(JSON.parse(answer.text)).messages[0]?.message;
    assert.equal(reconnect?.resetSequence, true);
    assert.notEqual(reconnect?.affinityToken, oldToken);
    visitor.affinity = reconnect?.affinityToken ?? '';
    visitor.sequence = 0;

    const resync = () =>
      visitor.call('POST', 'Chasitor/ChasitorResyncState', {
        body: { organizationId: sim.settings.organizationId },
      });
    const early = await resync();
    assert.equal(early.status, 400, 'ChasitorResyncState comes after the transcript replay (§1.9 step 5)');
    assert.match(early.text, /before the ChasitorSessionData/);

    // Either the last ack or -1 is accepted after a reconnect; both start with ChasitorSessionData.
    const viaMinusOne = await visitor.poll200(-1);
    const resumed = await visitor.poll200(batch.sequence);
    assert.equal((await resync()).status, 200);
    assert.equal(
      (await visitor.post('ChatMessage', { text: 'buffered' })).status,
      200,
      'sequence restarted at 1',
    );
    assert.deepEqual(types(viaMinusOne), ['ChasitorSessionData', 'ChatMessage']);
    assert.deepEqual(types(resumed), ['ChasitorSessionData', 'ChatMessage']);
    const data = messageBodySchemas.ChasitorSessionData.parse(resumed.messages[0]?.message);
    assert.deepEqual(
      data.chatMessages.map((e) => [e.type, e.content]),
      [
        ['Agent', 'before failover'],
        ['Chasitor', 'hi'],
        ['Agent', 'during failover'],
      ],
    );
    assert.equal(messageBodySchemas.ChatMessage.parse(resumed.messages[1]?.message).text, 'during failover');
    assert.equal((await visitor.poll(resumed.sequence)).status, 204);

    const details = sim.session(visitor.id);
    assert.deepEqual(
      details.chasitorMessages.map((m) => [m.text, m.sequence]),
      [
        ['hi', 2],
        ['buffered', 1],
      ],
    );
    assert.deepEqual(
      details.reconnects.map((r) => r.offset),
      [batch.offset],
    );
    assert.equal(details.resyncs, 1);
    const stats = sim.stats();
    assert.equal(stats.reconnects, 1);
    assert.equal(stats.resyncsBeforeReplay, 1);
    assert.equal(stats.status503Sent, 3);
  });

  it('drops a POST whose sequence was already applied, answering 200', async () => {
    await visitor.startChat();
    const seen: Array<[string, number]> = [];
    sim.on('chasitorMessage', (_id, text, sequence) => seen.push([text, sequence]));
    assert.equal((await visitor.post('ChatMessage', { text: 'once' })).status, 200);
    const retry = await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: 'once' }, sequence: 2 });
    assert.equal(retry.status, 200);
    const stale = await visitor.call('POST', 'Chasitor/ChatMessage', {
      body: { text: 'older' },
      sequence: 1,
    });
    assert.equal(stale.status, 200);
    assert.deepEqual(seen, [['once', 2]]);
    assert.deepEqual(
      sim.session(visitor.id).chasitorMessages.map((m) => m.text),
      ['once'],
    );
    assert.equal(sim.stats().duplicatePostsDropped, 2);
  });

  it('frees the poll slot when the client closes its socket mid-hold', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);

    const aborted = new AbortController();
    const dropped = visitor.poll(first.sequence, aborted.signal).catch((error: unknown) => error);
    await sim.waitFor(() => sim.session(visitor.id).pollOpen, 2_000, 'the poll to open');
    aborted.abort();
    assert.ok((await dropped) instanceof Error);
    await sim.waitFor(() => !sim.session(visitor.id).pollOpen, 2_000, 'the server to see the close');
    assert.equal((await visitor.poll(first.sequence)).status, 204);

    // Re-polling the instant after an abort is no conflict either (the close may reach the server later).
    const again = new AbortController();
    const droppedAgain = visitor.poll(first.sequence, again.signal).catch((error: unknown) => error);
    await sim.waitFor(() => sim.session(visitor.id).pollOpen, 2_000, 'the poll to open');
    again.abort();
    await droppedAgain;
    assert.equal((await visitor.poll(first.sequence)).status, 204);

    const stats = sim.stats();
    assert.equal(stats.conflicts409, 0);
    assert.equal(stats.maxConcurrentPollsPerSession, 1);
  });

  it('injects malformed bodies, statuses, resets and latency, then behaves again', async () => {
    await visitor.startChat();
    sim.injectFault({ kind: 'malformed' });
    sim.injectFault({ kind: 'malformed', variant: 'schema' });
    const truncated = await visitor.poll(-1);
    assert.equal(truncated.status, 200);
    assert.throws(() => JSON.parse(truncated.text) as unknown);
    const wrongShape = await visitor.poll(-1);
    assert.equal(wrongShape.status, 200);
    assert.equal(messagesResponseSchema.safeParse(JSON.parse(wrongShape.text)).success, false);
    assert.deepEqual(types(await visitor.poll200(-1)), ['ChatRequestSuccess'], 'nothing was consumed');

    sim.injectFault({ kind: 'status', status: 500, count: 2, path: 'Chasitor/ChatMessage' });
    assert.equal((await visitor.post('ChatMessage', { text: 'a' })).status, 500);
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: 'a' }, sequence: 2 })).status,
      500,
    );
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: 'a' }, sequence: 2 })).status,
      200,
    );

    // Applied, but the answer is lost: the retry with the same sequence is dropped as a duplicate.
    sim.injectFault({ kind: 'reset', phase: 'after', path: 'Chasitor/' });
    await assert.rejects(visitor.post('ChatMessage', { text: 'b' }));
    assert.equal(
      (await visitor.call('POST', 'Chasitor/ChatMessage', { body: { text: 'b' }, sequence: 3 })).status,
      200,
    );
    assert.deepEqual(
      sim.session(visitor.id).chasitorMessages.map((m) => m.text),
      ['a', 'b'],
    );

    sim.injectFault({ kind: 'reset', path: 'System/Messages' });
    await assert.rejects(visitor.poll(-1));
    sim.injectFault({ kind: 'latency', ms: 150, path: 'Chasitor/ChatMessage' });
    const started = Date.now();
    assert.equal((await visitor.post('ChatMessage', { text: 'c' })).status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.equal(sim.stats().faultsInjected, 7);
    assert.equal(sim.pendingFaults().length, 0);
  });

  it('queues every agent action as the documented message', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    assert.equal(typeof sim.queueUpdate(visitor.id, 3, 60), 'number');
    sim.accept(visitor.id, { agentName: 'Ada', agentId: '005000000000001AAA' });
    sim.typing(visitor.id, true);
    sim.typing(visitor.id, false);
    sim.customEvent(visitor.id, 'order', '{"id":1}');
    sim.fileTransferRequest(visitor.id);
    sim.transfer(visitor.id, { agentName: 'Bob' });
    sim.disconnectAgent(visitor.id);
    sim.pushRawMessage(visitor.id, 'BrandNewType', { future: true });
    sim.sensitiveDataRules(visitor.id, [{ id: '0GR000000000001', name: 'Card numbers' }]);
    const batch = await visitor.poll200(first.sequence);
    assert.deepEqual(types(batch), [
      'QueueUpdate',
      'ChatEstablished',
      'AgentTyping',
      'AgentNotTyping',
      'CustomEvent',
      'FileTransfer',
      'TransferToButtonInitiated',
      'ChatTransferred',
      'AgentDisconnect',
      'BrandNewType',
      'SensitiveDataRules',
    ]);
    for (const raw of batch.messages) {
      const schema = (messageBodySchemas as Record<string, { parse(v: unknown): unknown }>)[raw.type];
      if (schema) schema.parse(raw.message);
    }
    assert.equal(messageBodySchemas.QueueUpdate.parse(batch.messages[0]?.message).position, 3);
    assert.equal(
      messageBodySchemas.ChatEstablished.parse(batch.messages[1]?.message).userId,
      '005000000000001AAA',
    );
    const file = messageBodySchemas.FileTransfer.parse(batch.messages[5]?.message);
    assert.equal(file.type, 'Requested');
    assert.ok(file.uploadServletUrl && file.fileToken && file.cdmServletUrl);
    assert.equal(messageBodySchemas.ChatTransferred.parse(batch.messages[7]?.message).name, 'Bob');
    assert.deepEqual(batch.messages[9]?.message, { future: true });
    assert.deepEqual(messageBodySchemas.SensitiveDataRules.parse(batch.messages[10]?.message), {
      sensitiveDataRules: [{ id: '0GR000000000001', name: 'Card numbers' }],
    });
  });

  it('ends the chat from the agent side: ChatEnded, then 403 for ChatEnd and for the next poll', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    sim.accept(visitor.id, { agentName: 'Ada' });
    sim.endChat(visitor.id);
    const last = await visitor.poll200(first.sequence);
    assert.deepEqual(types(last), ['ChatEstablished', 'ChatEnded']);
    assert.equal(messageBodySchemas.ChatEnded.parse(last.messages[1]?.message).reason, 'agent');
    assert.throws(() => sim.sendAgentMessage(visitor.id, 'too late'), /over/);
    assert.equal((await visitor.post('ChatEnd', { reason: 'client' })).status, 403);
    assert.equal((await visitor.poll(last.sequence)).status, 403);
    const details = sim.session(visitor.id);
    assert.equal(details.endReason, 'agent');
    assert.equal(details.closed, true);
    assert.equal(sim.stats().expiredSessions, 0);
  });

  it('ends the chat from the visitor side with ChatEnd; later requests get 403', async () => {
    await visitor.startChat();
    await visitor.poll200(-1);
    const end = await visitor.post('ChatEnd', { reason: 'client' });
    assert.equal(end.status, 200);
    assert.deepEqual(JSON.parse(end.text), { attachedRecords: [] });
    assert.equal((await visitor.poll(1)).status, 403);
    assert.equal(sim.session(visitor.id).endReason, 'client');
  });

  it('exposes the agent side and faults over the /__control/ HTTP API', async () => {
    await visitor.startChat();
    const first = await visitor.poll200(-1);
    const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await request(new URL(path, sim.controlUrl), {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
    };
    assert.deepEqual(await control('POST', `sessions/${visitor.id}/accept`, { agentName: 'Ada' }), {
      status: 200,
      json: { queued: [2] },
    });
    assert.equal((await control('POST', `sessions/${visitor.id}/message`, { text: 'via http' })).status, 200);
    assert.equal((await control('POST', `sessions/${visitor.id}/message`, {})).status, 400);
    assert.equal((await control('POST', 'sessions/nope/message', { text: 'x' })).status, 404);
    const batch = await visitor.poll200(first.sequence);
    assert.deepEqual(types(batch), ['ChatEstablished', 'ChatMessage']);

    assert.equal((await control('POST', 'faults', { kind: 'status', status: 502 })).status, 200);
    assert.equal((await visitor.poll(batch.sequence)).status, 502);
    const stats = await control('GET', 'stats');
    assert.equal(stats.json.sessionsCreated, 1);
    assert.equal(stats.json.faultsInjected, 1);
    const details = await control('GET', `sessions/${visitor.id}`);
    assert.equal(details.json.agentName, 'Ada');
    const events = (await control('GET', 'events?after=0')).json as unknown as Array<{ name: string }>;
    assert.ok(events.some((e) => e.name === 'chasitorInit'));
  });

  it('serves Visitor resources, System/MultiNoun and DELETE System/SessionId', async () => {
    const { organizationId, deploymentId, buttonId } = sim.settings;
    const ids = `org_id=${organizationId}&deployment_id=${deploymentId}`;
    const availability = await visitor.call(
      'GET',
      `Visitor/Availability?${ids}&Availability.ids=${buttonId},573x`,
    );
    assert.equal(availability.status, 200);
    assert.deepEqual(JSON.parse(availability.text), {
      messages: [
        { type: 'Availability', message: { results: [{ id: buttonId, isAvailable: true }, { id: '573x' }] } },
      ],
    });
    assert.equal((await visitor.call('GET', 'Visitor/VisitorId?org_id=wrong&deployment_id=x')).status, 400);

    await visitor.startChat();
    visitor.sequence += 1;
    const multi = await visitor.call('POST', 'System/MultiNoun', {
      sequence: visitor.sequence,
      body: {
        nouns: [
          { prefix: 'Chasitor', noun: 'ChatMessage', data: { text: 'one' } },
          { prefix: 'Chasitor', noun: 'ChatMessage', data: { text: 'two' } },
        ],
      },
    });
    assert.equal(multi.status, 200);
    assert.deepEqual(
      sim.session(visitor.id).chasitorMessages.map((m) => m.text),
      ['one', 'two'],
    );

    const deleted = await visitor.call('DELETE', `System/SessionId/${encodeURIComponent(visitor.key)}`);
    assert.equal(deleted.status, 200);
    assert.equal((await visitor.poll(-1)).status, 403);
    assert.equal(sim.session(visitor.id).endReason, 'deleted');
  });

  it('auto-accepts with a scripted agent', async () => {
    await startSim({ autoAccept: { agentName: 'Bot', delayMs: 50 } });
    await visitor.startChat();
    await sim.waitFor(() => sim.session(visitor.id).agentName, 2_000, 'the scripted agent');
    const batch = await visitor.poll200(-1);
    assert.deepEqual(types(batch), ['ChatRequestSuccess', 'ChatEstablished']);
    assert.equal(messageBodySchemas.ChatEstablished.parse(batch.messages[1]?.message).name, 'Bot');
  });

  it('fails over on its own under chaos settings', async () => {
    await visitor.startChat();
    sim.setChaos({ failoverRate: 1 });
    assert.deepEqual(await visitor.poll(-1), { status: 503, text: 'Invalid Affinity Token' });
    assert.ok(sim.stats().failovers >= 1);
    sim.setChaos({ failoverRate: 0, faultRates: { status5xx: 1 } });
    assert.ok([500, 502, 503].includes((await visitor.poll(-1)).status));
  });
});
