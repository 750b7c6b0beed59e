// The GMS provider against the strict simulator over loopback, without Temporal: the credentials a
// reply names on the way are used at once and handed to the session, a repeated send is looked for
// first, the offline notice survives a new connection, and a send to an ended chat says so.
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { Agent } from 'undici';
import { VendorCredentialsChanged, type JsonObject } from '../../src/providers/chat-provider';
import { gmsEnvSchema, GmsProvider } from '../../src/providers/genesys-gms';
import { FailureType } from '../../src/shared/failure-types';
import { GmsSimulator } from '../../src/simulators/genesys-gms/gms-simulator';

describe('GMS provider over HTTP', () => {
  const dispatcher = new Agent();
  let sim: GmsSimulator;
  let provider: GmsProvider;
  const signal = () => AbortSignal.timeout(5_000);
  const stamp = { sequence: null, idempotencyKey: 'k' };

  beforeEach(async () => {
    sim = await GmsSimulator.start();
    const config = gmsEnvSchema.parse({
      GMS_SERVICE_URL: sim.serviceUrl,
      GMS_REFRESH_INTERVAL_MS: '300',
      GMS_POLL_EXCEPTION_LIMIT: '3',
    });
    provider = new GmsProvider(config, dispatcher);
  });
  afterEach(() => sim.close());
  after(() => dispatcher.close());

  const open = async () => {
    const opened = await provider.open(
      { customerId: 'c', visitorName: 'Mei', providerOptions: {} },
      signal(),
    );
    const chatId = opened.vendorSessionId;
    sim.agentJoins(chatId, 'Ada');
    return { credentials: opened.credentials, cursor: opened.cursor, chatId };
  };

  it('a repeated send whose transcript check learns a new alias sends with it and hands it to the session', async () => {
    const { credentials, chatId } = await open();
    const moved = sim.rotateAlias(chatId);
    const outcome = await provider.send(
      credentials,
      { kind: 'message', text: 'again?' },
      { ...stamp, mayRepeat: true, customerMessagesBefore: 0 },
      signal(),
    );
    assert.equal((outcome?.credentials as JsonObject | undefined)?.alias, moved);
    assert.deepEqual(sim.chat(chatId).customerTexts(), ['again?'], 'sent once, with the new alias');
    // The same send repeated: GMS holds one more customer message than the session had: not resent.
    await provider.send(
      outcome!.credentials!,
      { kind: 'message', text: 'again?' },
      { ...stamp, mayRepeat: true, customerMessagesBefore: 0 },
      signal(),
    );
    assert.deepEqual(sim.chat(chatId).customerTexts(), ['again?']);
  });

  it('a send to a chat the agent has just ended is VendorChatEnded; the customer’s own end is not refused', async () => {
    const { credentials, chatId } = await open();
    sim.endChat(chatId);
    await assert.rejects(
      provider.send(credentials, { kind: 'message', text: 'late' }, stamp, signal()),
      (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.chatEndedAtVendor,
    );
    await provider.send(credentials, { kind: 'end' }, stamp, signal());
  });

  it('the offline notice travels in the cursor: a new connection tells the channel the server is back', async () => {
    const { credentials, cursor } = await open();
    sim.injectFaults({ statusCode1Next: 3 });
    const first = provider.connect(credentials);
    await assert.rejects(first.next(cursor, signal()));
    await assert.rejects(first.next(cursor, signal()));
    const offline = await first.next(cursor, signal());
    assert.deepEqual(
      offline.events.map((e) => e.kind),
      ['serverWentOffline'],
    );
    assert.equal(offline.cursor.offline, true);
    first.close();
    // Another hub, after a takeover, from the recorded cursor.
    const second = provider.connect(credentials);
    const back = await second.next(offline.cursor, signal());
    assert.equal(back.events[0]?.kind, 'serverBackOnline');
    assert.equal(back.cursor.offline, undefined);
    second.close();
  });

  it('a refresh naming a new secure key is a handover too (not only a new alias)', async () => {
    const { credentials, cursor, chatId } = await open();
    sim.chat(chatId).rotateSecureKey('rotated-key');
    const connection = provider.connect(credentials);
    await assert.rejects(
      connection.next(cursor, signal()),
      (err: unknown) =>
        err instanceof VendorCredentialsChanged && err.credentials.secureKey === 'rotated-key',
    );
    connection.close();
    assert.equal(sim.chat(chatId).removed, undefined, 'the client was not removed');
  });

  it('refuses a caller URL on a link-local address (cloud metadata) before fetching', async () => {
    const { credentials } = await open();
    await assert.rejects(
      provider.send(
        credentials,
        { kind: 'file', url: 'http://169.254.169.254/latest/meta-data', fileName: 'x.txt' },
        stamp,
        signal(),
      ),
      (err: unknown) => err instanceof ApplicationFailure && /link-local/.test(err.message),
    );
  });
});
