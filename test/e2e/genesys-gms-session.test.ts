// Genesys GMS sessions end to end against the strict GMS simulator over loopback HTTP: the startChat
// fields under their wire names, statusCode 1 and 5xx bursts told to the channel once each way, an
// alias change in the middle of a send, a send whose reply was lost not sent twice, a stale secure key,
// and, on the time-skipping server, hours of refreshes inside the flex-disconnect timeout and a gap past
// it. The contract suite (test/contract/) runs the shared scenarios, the worker SIGKILL among them.
import assert from 'node:assert/strict';
import { GmsSimulator } from '../../src/simulators/genesys-gms/gms-simulator';
import type { StartSessionInput } from '../../src/shared/session-types';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import {
  eventually,
  sessionInput,
  startBridge,
  testWebhookSecret,
  uniqueCustomer,
  type Bridge,
} from '../helpers/bridge-harness';
import { useDevServer, useOwnTimeSkippingServer } from '../helpers/suite-hooks';
import { ChatEndedError, InvalidInputError, VendorRejectedError, type BusinessKey } from '../../src/client';
import { FileHost } from '../helpers/file-host';

const refreshMs = 300;

function gmsEnv(sim: GmsSimulator, flexMs: number): Record<string, string> {
  return {
    CHAT_BRIDGE_PROVIDERS: 'genesys-gms',
    GMS_SERVICE_URL: sim.serviceUrl,
    GMS_REFRESH_INTERVAL_MS: String(refreshMs),
    GMS_FLEX_DISCONNECT_TIMEOUT_MS: String(flexMs),
    GMS_POLL_EXCEPTION_LIMIT: '3',
  };
}

describe('Genesys GMS sessions (dev server)', function () {
  this.timeout(120_000);
  const env = useDevServer();
  let sim: GmsSimulator;
  let webhook: WebhookReceiver;
  let bridge: Bridge;

  beforeEach(async () => {
    sim = await GmsSimulator.start({
      flexDisconnectTimeoutMs: 10_000,
      fileLimits: { maxFileSize: 64 * 1024 },
    });
    webhook = await WebhookReceiver.start(testWebhookSecret);
    bridge = await startBridge(env(), 'http://127.0.0.1:9/unused/', gmsEnv(sim, 10_000), [], {
      skipTime: false,
    });
  });
  afterEach(async () => {
    await bridge.worker.shutdown();
    await webhook.close();
    await sim.close();
  });

  const kinds = () => webhook.uniqueEvents().map((e) => e.event.kind);
  const agentTexts = () =>
    webhook.uniqueEvents().flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));

  async function open(extra: Partial<StartSessionInput> = {}) {
    const key: BusinessKey = uniqueCustomer('gms');
    const handle = await bridge.sessions.startOrGet(
      key,
      sessionInput(key, webhook.url, { provider: 'genesys-gms', ...extra }),
    );
    const chatId = await eventually(() => [...sim.chats.keys()].at(-1));
    sim.agentJoins(chatId, 'Ada');
    await eventually(async () =>
      (await bridge.sessions.state(key)).status === 'chatting' ? true : undefined,
    );
    return { key, handle, chatId };
  }

  it('starts with nickname, names, email, subject and userData under GMS wire names; the chat runs', async () => {
    await bridge.run(async () => {
      const { key, handle, chatId } = await open({
        providerOptions: {
          nickname: 'Mei',
          firstName: 'Mei',
          lastName: 'Chen',
          email: 'mei@example.com',
          subject: 'parcel',
          userData: { orderId: 'A-17', vip: true },
        },
      });
      const chat = sim.chat(chatId);
      assert.equal(chat.client.nickname, 'Mei');
      assert.deepEqual(chat.userData, { orderId: 'A-17', vip: 'true' });
      assert.equal((await bridge.sessions.state(key)).vendorSessionId, chatId);
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'where is my parcel?' });
      sim.agentSays(chatId, 'on its way');
      await webhook.waitFor(() => agentTexts().includes('on its way'));
      assert.deepEqual(chat.customerTexts(), ['where is my parcel?']);
      await bridge.sessions.updateUserData(key, { tier: 'gold', visits: 3 });
      assert.deepEqual(chat.userData, { orderId: 'A-17', vip: 'true', tier: 'gold', visits: '3' });
      await assert.rejects(
        bridge.sessions.updateUserData(key, { 'bad key': 'x' }),
        (err: Error) => err instanceof InvalidInputError,
      );
      await bridge.sessions.end(key);
      assert.equal((await handle.result()).endReason, 'client');
      assert.equal(chat.endReason, 'client');
    });
  });

  it('a transfer (a second agent joins, the first leaves) reaches the channel as transferred; the last agent leaving is the only disconnect', async () => {
    await bridge.run(async () => {
      const { handle, chatId } = await open();
      await webhook.waitFor(() => kinds().includes('agentConnected'));
      sim.transfer(chatId, 'Grace');
      await webhook.waitFor(() => kinds().includes('transferred'));
      const transferred = webhook.uniqueEvents().find((e) => e.event.kind === 'transferred')!.event;
      assert.ok(transferred.kind === 'transferred' && transferred.agentName === 'Grace');
      sim.agentSays(chatId, 'Grace here');
      await webhook.waitFor(() => agentTexts().includes('Grace here'));
      sim.endChat(chatId);
      assert.equal((await handle.result()).endReason, 'agent');
      await webhook.waitFor(() => kinds().at(-1) === 'chatEnded');
      assert.equal(
        kinds().filter((k) => k === 'agentDisconnected').length,
        1,
        `only the last agent disconnects: ${kinds().join(' ')}`,
      );
    });
  });

  it('a providerOptions GMS would refuse (nested userData) opens no chat and fails typed', async () => {
    await bridge.run(async () => {
      const key = uniqueCustomer('gms-bad');
      const handle = await bridge.sessions.startOrGet(
        key,
        sessionInput(key, webhook.url, {
          provider: 'genesys-gms',
          providerOptions: { userData: { order: { id: 1 } } },
        }),
      );
      const result = await handle.result().then(
        (r) => r,
        (err: Error) => err,
      );
      const text = JSON.stringify(result, Object.getOwnPropertyNames(result ?? {})) + String(result);
      assert.match(text, /providerOptions\.userData\.order/);
      assert.equal(sim.chats.size, 0, 'no chat was requested');
    });
  });

  it('statusCode 1 and 5xx bursts: the channel hears serverWentOffline once and serverBackOnline once; nothing is lost', async () => {
    await bridge.run(async () => {
      const { key, handle, chatId } = await open();
      sim.agentSays(chatId, 'before');
      await webhook.waitFor(() => agentTexts().includes('before'));
      sim.injectFaults({ statusCode1Next: 3, http5xxNext: 3 });
      sim.agentSays(chatId, 'during');
      await webhook.waitFor(() => kinds().includes('serverBackOnline'), 30_000);
      await webhook.waitFor(() => agentTexts().includes('during'));
      assert.equal(kinds().filter((k) => k === 'serverWentOffline').length, 1);
      assert.equal(kinds().filter((k) => k === 'serverBackOnline').length, 1);
      assert.ok(kinds().indexOf('serverWentOffline') < kinds().indexOf('serverBackOnline'));
      assert.deepEqual(agentTexts(), ['before', 'during']);
      const chat = sim.chat(chatId);
      assert.equal(
        chat.removed,
        undefined,
        'the garbage credentials of a statusCode 1 reply were never used',
      );
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'still there?' });
      assert.deepEqual(chat.customerTexts(), ['still there?']);
      sim.endChat(chatId);
      assert.equal((await handle.result()).endReason, 'agent');
    });
  });

  it('the chat moves to another Chat Server in the middle of a send: the session adopts the new alias, nothing is lost or doubled', async () => {
    await bridge.run(async () => {
      const { key, handle, chatId } = await open();
      const oldAlias = sim.chat(chatId).credentials.alias;
      sim.rotateAliasDuringNext(chatId, 'send');
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'one' });
      assert.notEqual(sim.chat(chatId).credentials.alias, oldAlias);
      await eventually(async () => ((await bridge.sessions.state(key)).handovers >= 1 ? true : undefined));
      await bridge.sessions.send(key, { clientMessageId: 'c2', text: 'two' });
      sim.agentSays(chatId, 'after the move');
      await webhook.waitFor(() => agentTexts().includes('after the move'));
      assert.deepEqual(sim.chat(chatId).customerTexts(), ['one', 'two']);
      assert.equal(sim.chat(chatId).removed, undefined);
      sim.endChat(chatId);
      assert.equal((await handle.result()).endReason, 'agent');
      assert.equal(sim.stats().loggedOut, 0);
    });
  });

  it('a customer message racing the agent closing the chat: ChatEnded for the caller; the agent’s last message and the end (agent) reach the channel', async () => {
    await bridge.run(async () => {
      const { key, handle, chatId } = await open();
      sim.agentSays(chatId, 'bye now');
      sim.endChat(chatId);
      const late = await bridge.sessions
        .send(key, { clientMessageId: 'late', text: 'one more thing' })
        .catch((e: unknown) => e);
      assert.ok(late instanceof ChatEndedError, String(late));
      assert.equal((await handle.result()).endReason, 'agent');
      await webhook.waitFor(() => kinds().at(-1) === 'chatEnded');
      assert.ok(agentTexts().includes('bye now'), 'the last agent message arrived');
      assert.deepEqual(sim.chat(chatId).customerTexts(), []);
    });
  });

  it('a send whose reply was lost is retried, found in the transcript and not sent twice', async () => {
    await bridge.run(async () => {
      const { key, handle, chatId } = await open();
      await bridge.sessions.send(key, { clientMessageId: 'c0', text: 'same words' });
      sim.injectFaults({ dropReplyNext: 1 });
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'same words' });
      await bridge.sessions.send(key, { clientMessageId: 'c2', text: 'after' });
      assert.equal(sim.stats().faultsInjected, 1, 'the reply was dropped');
      assert.deepEqual(sim.chat(chatId).customerTexts(), ['same words', 'same words', 'after']);
      await bridge.sessions.end(key);
      await handle.result();
    });
  });

  it('file transfer by reference: upload from a URL, limits, a disallowed type and an oversized file refused typed, agent file downloaded to a URL, delete; no file bytes in history', async () => {
    const host = await FileHost.start();
    try {
      await bridge.run(async () => {
        const { key, handle, chatId } = await open();
        const marker = `FILE-BYTES-${Date.now()}`;
        host.serve('/label.pdf', Buffer.from(`%PDF-1.4 ${marker}`), 'application/pdf');
        const sent = await bridge.sessions.sendFile(key, {
          clientMessageId: 'f1',
          url: `${host.url}/label.pdf`,
          fileName: 'label.pdf',
        });
        assert.equal(sent.clientMessageId, 'f1');
        const chat = sim.chat(chatId);
        const uploaded = [...chat.files.files.values()].find((f) => f.by === 'client')!;
        assert.equal(uploaded.name, 'label.pdf');
        assert.equal(uploaded.bytes.toString(), `%PDF-1.4 ${marker}`);
        assert.equal(
          (
            await bridge.sessions.sendFile(key, {
              clientMessageId: 'f1',
              url: `${host.url}/label.pdf`,
              fileName: 'label.pdf',
            })
          ).duplicate,
          true,
        );
        assert.equal([...chat.files.files.values()].filter((f) => f.by === 'client').length, 1, 'sent once');

        const limits = await bridge.sessions.fileLimits(key);
        assert.equal(limits.maxFileSize, 64 * 1024);
        assert.equal(limits.usedFiles, 1);
        assert.ok(limits.fileTypes?.includes('pdf'));

        host.serve('/tool.exe', Buffer.from('MZ'), 'application/octet-stream');
        await assert.rejects(
          bridge.sessions.sendFile(key, {
            clientMessageId: 'f2',
            url: `${host.url}/tool.exe`,
            fileName: 'tool.exe',
          }),
          (err: Error) => err instanceof VendorRejectedError && /FileTypeNotAllowed/.test(err.message),
        );
        host.serve('/big.png', Buffer.alloc(100 * 1024, 7), 'image/png');
        await assert.rejects(
          bridge.sessions.sendFile(key, {
            clientMessageId: 'f3',
            url: `${host.url}/big.png`,
            fileName: 'big.png',
          }),
          (err: Error) => err instanceof VendorRejectedError && /FileTooLarge/.test(err.message),
        );
        assert.equal(chat.files.files.size, 1, 'nothing refused reached GMS');

        const shared = Buffer.from(`agent's receipt ${marker}`);
        const fileId = sim.agentSharesFile(chatId, {
          name: 'receipt.txt',
          type: 'text/plain',
          bytes: shared,
        });
        await webhook.waitFor(() => kinds().includes('fileShared'));
        const event = webhook.uniqueEvents().find((e) => e.event.kind === 'fileShared')!.event;
        assert.deepEqual(event, {
          kind: 'fileShared',
          fileId,
          fileName: 'receipt.txt',
          fileSize: shared.length,
          contentType: 'text/plain',
          agentName: 'Ada',
        });
        const got = await bridge.sessions.downloadFile(key, { fileId, putUrl: `${host.url}/put/receipt` });
        assert.equal(got.bytes, shared.length);
        assert.deepEqual(host.received.get('/put/receipt'), shared);

        await bridge.sessions.deleteFile(key, uploaded.id);
        assert.equal(chat.files.files.has(uploaded.id), false);

        const history = JSON.stringify((await handle.fetchHistory()).events);
        assert.equal(history.includes(marker), false, 'no file bytes in workflow history');
        await bridge.sessions.end(key);
        await handle.result();
      });
    } finally {
      await host.close();
    }
  });

  it('a file URL that cannot be fetched (404, nothing listening) refuses sendFile typed; nothing is sent, the chat goes on', async () => {
    const host = await FileHost.start();
    await bridge.run(async () => {
      const { key, handle, chatId } = await open();
      for (const url of [`${host.url}/none.pdf`, 'http://127.0.0.1:9/none.pdf']) {
        await assert.rejects(
          bridge.sessions.sendFile(key, { clientMessageId: url, url, fileName: 'none.pdf' }),
          (err: Error) => err instanceof VendorRejectedError && /FileFetchFailed/.test(err.message),
        );
      }
      await host.close();
      assert.equal(sim.chat(chatId).files.files.size, 0);
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'still here' });
      assert.deepEqual(sim.chat(chatId).customerTexts(), ['still here']);
      await bridge.sessions.end(key);
      await handle.result();
    });
  });

  it('a secure key GMS no longer accepts (8210) ends the chat, typed, and tells the channel', async () => {
    await bridge.run(async () => {
      const { handle, chatId } = await open();
      const chat = sim.chat(chatId);
      chat.credentials = { ...chat.credentials, secureKey: 'rotated-elsewhere' };
      const result = await handle.result();
      assert.equal(result.endReason, 'vendorSessionExpired');
      await webhook.waitFor(() => kinds().at(-1) === 'chatEnded');
      assert.equal(chat.removed, 'badSecureKey');
    });
  });
});

describe('Genesys GMS sessions (time-skipping server)', function () {
  this.timeout(180_000);
  // Its own server: hours of skipped time, which a session another file left running would hold up.
  const env = useOwnTimeSkippingServer();
  const flexMs = 300_000;
  let skewMs = 0;
  let sim: GmsSimulator;
  let webhook: WebhookReceiver;
  let bridge: Bridge;

  beforeEach(async () => {
    skewMs = 0;
    // The simulator's clock runs with the server's skipped time, so the flex-disconnect timeout sees it.
    sim = await GmsSimulator.start({ flexDisconnectTimeoutMs: flexMs, now: () => Date.now() + skewMs });
    webhook = await WebhookReceiver.start(testWebhookSecret);
    bridge = await startBridge(env(), 'http://127.0.0.1:9/unused/', gmsEnv(sim, flexMs), [], {
      skipTime: false,
    });
  });
  afterEach(async () => {
    await bridge.worker.shutdown();
    await webhook.close();
    await sim.close();
  });

  async function open() {
    const key = uniqueCustomer('gms-ts');
    const handle = await bridge.sessions.startOrGet(
      key,
      sessionInput(key, webhook.url, { provider: 'genesys-gms', tuning: { searchAttributes: false } }),
    );
    const chatId = await eventually(() => [...sim.chats.keys()].at(-1));
    sim.agentJoins(chatId, 'Ada');
    await eventually(async () =>
      (await bridge.sessions.state(key)).status === 'chatting' ? true : undefined,
    );
    return { key, handle, chatId };
  }

  /** Skips `ms` of server time, and the vendor's clock with it, while the refreshes go on. */
  async function skip(ms: number) {
    await env().sleep(ms);
    skewMs += ms;
    const calls = sim.chats.size ? [...sim.chats.values()].at(-1)!.calls.total : 0;
    // At least one refresh lands in each step: the refresh cadence holds in the vendor's time.
    await eventually(() => ([...sim.chats.values()].at(-1)!.calls.total > calls ? true : undefined));
  }

  it('two hours of skipped time, refreshed inside the flex-disconnect timeout: never logged out, no history added', async () => {
    await bridge.run(async () => {
      const { key, handle, chatId } = await open();
      await new Promise((r) => setTimeout(r, 1_000));
      const before = (await handle.fetchHistory()).events?.length ?? 0;
      const serverStart = await env().currentTimeMs();
      for (let i = 0; i < 36; i++) await skip(200_000); // 2 h in steps under the 300 s timeout
      assert.ok((await env().currentTimeMs()) - serverStart >= 2 * 3600_000);
      assert.equal(sim.chat(chatId).removed, undefined, 'never logged out');
      assert.equal(sim.stats().loggedOut, 0);
      assert.equal((await handle.fetchHistory()).events?.length ?? 0, before, 'idle adds no history');
      sim.agentSays(chatId, 'two hours later');
      await webhook.waitFor(() =>
        webhook
          .uniqueEvents()
          .some((e) => e.event.kind === 'messageReceived' && e.event.text === 'two hours later'),
      );
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: 'still here' });
      assert.deepEqual(sim.chat(chatId).customerTexts(), ['still here']);
      await bridge.sessions.end(key);
      assert.equal((await handle.result()).endReason, 'client');
    });
  });

  it('no refresh for longer than the flex-disconnect timeout: GMS logs the client out (8209); the chat ends typed, the channel is told', async () => {
    await bridge.run(async () => {
      const { handle, chatId } = await open();
      // Five minutes and a second pass at the vendor between two refreshes (a partition, a paused worker).
      skewMs += flexMs + 1_000;
      await env().sleep(flexMs + 1_000);
      const state = await eventually(async () => {
        const s = await bridge.sessions.state(handle.workflowId);
        return s.status === 'ended' ? s : undefined;
      });
      assert.equal(state.endReason, 'vendorSessionExpired');
      assert.equal(sim.chat(chatId).removed, 'loggedOut');
      await webhook.waitFor(() => webhook.uniqueEvents().at(-1)?.event.kind === 'chatEnded');
      const ended = webhook.uniqueEvents().at(-1)!.event;
      assert.ok(ended.kind === 'chatEnded' && /8209/.test(ended.detail ?? ''), JSON.stringify(ended));
    });
  });
});
