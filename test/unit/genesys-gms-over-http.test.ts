// The GMS client pieces against the strict simulator over loopback HTTP: request chat, send, refresh
// with the cursor, an alias rotation followed from the reply, a stale secure key that ends the chat,
// silence past flex-disconnect-timeout, and JSON bodies refused.
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { gmsFormBody } from '../../src/providers/genesys-gms/form-body';
import { GmsHttpClient } from '../../src/providers/genesys-gms/http-client';
import { readReply } from '../../src/providers/genesys-gms/reply-failures';
import { toBridgeEvents } from '../../src/providers/genesys-gms/to-bridge-event';
import type { GmsCredentials } from '../../src/providers/genesys-gms/wire-schemas';
import { GmsSimulator } from '../../src/simulators/genesys-gms/gms-simulator';

describe('GMS client and simulator over HTTP', () => {
  const dispatcher = new Agent();
  let clock = 1_000_000;
  let sim: GmsSimulator;
  let http: GmsHttpClient;
  const signal = () => AbortSignal.timeout(5_000);

  beforeEach(async () => {
    sim = await GmsSimulator.start({ now: () => clock, flexDisconnectTimeoutMs: 45_000 });
    http = new GmsHttpClient(
      { serviceUrl: sim.serviceUrl, requestTimeoutMs: 2_000, maxBodyBytes: 1 << 20 },
      dispatcher,
    );
  });
  afterEach(() => sim.close());
  after(() => dispatcher.close());

  async function start(): Promise<GmsCredentials> {
    const reply = await http.call(
      'requestChat',
      '',
      '',
      gmsFormBody({ nickname: 'Mei', subject: 'parcel' }),
      signal(),
    );
    assert.equal(reply.statusCode, 0);
    return { chatId: reply.chatId!, userId: reply.userId!, secureKey: reply.secureKey!, alias: reply.alias! };
  }
  const op = (creds: GmsCredentials, name: string, fields: Record<string, string | number> = {}) =>
    http.call(
      name,
      `/${creds.chatId}/${name}`,
      `/{chatId}/${name}`,
      gmsFormBody(fields, { credentials: creds }),
      signal(),
    );

  it('a chat: send, the agent answers, refresh from the cursor brings only the agent side', async () => {
    let creds = await start();
    const sent = readReply(await op(creds, 'send', { message: 'hello' }), creds, 'send');
    assert.ok(sent.kind === 'ok');
    creds = sent.credentials;
    const chat = sim.chat(creds.chatId);
    const ada = chat.agentJoins('Ada', clock);
    chat.append('Message', ada, clock, 'How can I help?');
    const refreshed = readReply(await op(creds, 'refresh', { transcriptPosition: 2 }), creds, 'refresh');
    assert.ok(refreshed.kind === 'ok');
    assert.deepEqual(toBridgeEvents(refreshed.reply.messages ?? [], false), [
      { kind: 'agentConnected', agentName: 'Ada', agentId: '2' },
      { kind: 'messageReceived', text: 'How can I help?', agentName: 'Ada' },
    ]);
    assert.equal(refreshed.reply.nextPosition, 5);
  });

  it('restore by secure key: another client with the stored credentials reads the whole transcript from position 1', async () => {
    const creds = await start();
    await op(creds, 'send', { message: 'before the restart' });
    sim.agentJoins(creds.chatId, 'Ada');
    sim.agentSays(creds.chatId, 'still here');
    // A new process: nothing but the stored chatId, userId, secureKey and alias.
    const restored = new GmsHttpClient(
      { serviceUrl: sim.serviceUrl, requestTimeoutMs: 2_000, maxBodyBytes: 1 << 20 },
      dispatcher,
    );
    const reply = await restored.call(
      'refresh',
      `/${creds.chatId}/refresh`,
      '/{chatId}/refresh',
      gmsFormBody({ transcriptPosition: 1 }, { credentials: { ...creds } }),
      signal(),
    );
    const verdict = readReply(reply, creds, 'refresh');
    assert.ok(verdict.kind === 'ok');
    assert.deepEqual(
      verdict.reply.messages?.map((m) => [m.index, m.type, m.from?.type]),
      [
        [1, 'ParticipantJoined', 'Client'],
        [2, 'Message', 'Client'],
        [3, 'ParticipantJoined', 'Agent'],
        [4, 'Message', 'Agent'],
      ],
    );
    assert.deepEqual(toBridgeEvents(verdict.reply.messages ?? [], false), [
      { kind: 'agentConnected', agentName: 'Ada', agentId: '2' },
      { kind: 'messageReceived', text: 'still here', agentName: 'Ada' },
    ]);
  });

  it('an alias rotation: the next reply names the new alias, the client follows it, a client that did not is refused', async () => {
    const creds = await start();
    sim.rotateAlias(creds.chatId);
    const verdict = readReply(await op(creds, 'refresh', { transcriptPosition: 1 }), creds, 'refresh');
    assert.ok(verdict.kind === 'ok' && verdict.credentialsChanged);
    assert.equal((await op(verdict.credentials, 'send', { message: 'after the move' })).statusCode, 0);
    const stale = await op(creds, 'refresh');
    assert.deepEqual(
      stale.errors?.map((e) => e.code),
      [8201],
    );
  });

  it('a stale secure key removes the client (8210), and silence past the timeout logs it out (8209)', async () => {
    const creds = await start();
    const stale = await op({ ...creds, secureKey: 'stale' }, 'refresh');
    assert.deepEqual(
      stale.errors?.map((e) => e.code),
      [8210],
    );
    const other = await start();
    clock += 45_001;
    const silent = await op(other, 'refresh');
    assert.deepEqual(
      silent.errors?.map((e) => e.code),
      [8209],
    );
  });

  it('refuses a JSON body with HTTP 400, as GMS takes forms only', async () => {
    const res = await request(sim.serviceUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"nickname":"Mei"}',
      dispatcher,
    });
    assert.equal(res.statusCode, 400);
    await res.body.text();
  });
});

describe('GMS simulator control API', () => {
  let sim: GmsSimulator;
  beforeEach(async () => (sim = await GmsSimulator.start()));
  afterEach(() => sim.close());

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.controlUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('drives the agent side, lists chats without secrets, and queues faults; refuses unknown chats and bad bodies', async () => {
    const form = new URLSearchParams({ nickname: 'Mei' });
    const created = await fetch(sim.serviceUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const chatId = ((await created.json()) as { chatId: string }).chatId;
    assert.equal((await control('POST', `chats/${chatId}/join`, { nickname: 'Ada' })).status, 200);
    assert.equal((await control('POST', `chats/${chatId}/message`, { text: 'hello' })).status, 200);
    const view = await control('GET', `chats/${chatId}`);
    assert.equal(view.body.agent, 'Ada');
    assert.equal(JSON.stringify(view.body).includes(sim.chat(chatId).credentials.secureKey), false);
    assert.deepEqual((await control('POST', 'faults', { statusCode1Next: 2 })).body, {
      statusCode1Next: 2,
      http5xxNext: 0,
      status: 503,
      dropReplyNext: 0,
      resetNext: 0,
      latencyNext: 0,
      latencyMs: 3_000,
      malformedNext: 0,
      randomRate: 0,
    });
    assert.equal((await control('POST', 'chats/NOPE/message', { text: 'x' })).status, 404);
    assert.equal((await control('POST', `chats/${chatId}/message`, { text: '' })).status, 400);
    assert.equal((await control('POST', 'faults', { http5xxNext: -1 })).status, 400);
  });
});
