// One error model for backend callers: every way a ChatSessions call fails is one of five classes with
// a stable `type`, whichever layer refused; and pipelining never leaves an unhandled rejection.
import assert from 'node:assert/strict';
import {
  ChatEndedError,
  InvalidInputError,
  SessionNotFoundError,
  VendorRejectedError,
} from '../../src/client';
import { eventually, sessionInput, uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, openAcceptedChat, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';

describe('client errors (dev server)', function () {
  this.timeout(90_000);
  const env = useDevServer();
  let f: LiveAgentFixture;
  afterEach(async () => {
    await f?.close();
  });

  it('"the chat has ended" is always ChatEndedError: queued when it ended, sent after the end, after the workflow completed', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('ended');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      // Queued behind a slow send, then the agent ends the chat before it goes out.
      f.sim.injectFault({ kind: 'latency', ms: 1_500, count: 1, path: 'Chasitor/ChatMessage' });
      const slow = f.bridge.sessions.send(key, { clientMessageId: 'slow', text: 'first' });
      const { sent: queued } = await f.bridge.sessions.queue(key, { clientMessageId: 'q', text: 'queued' });
      f.sim.endChat(vendorId);
      await slow.catch(() => undefined);
      const whileQueued = await queued.catch((e: unknown) => e);
      assert.ok(whileQueued instanceof ChatEndedError, String(whileQueued));
      assert.equal(whileQueued.type, 'ChatEnded');

      await eventually(async () =>
        (await f.bridge.sessions.state(key)).status === 'ended' ? true : undefined,
      );
      const justAfter = await f.bridge.sessions
        .send(key, { clientMessageId: 'a', text: 'x' })
        .catch((e: unknown) => e);
      assert.ok(justAfter instanceof ChatEndedError, String(justAfter));

      await handle.result(); // the workflow completes
      const afterCompletion = [
        await f.bridge.sessions.send(key, { clientMessageId: 'b', text: 'x' }).catch((e: unknown) => e),
        await f.bridge.sessions.queue(key, { clientMessageId: 'c', text: 'x' }).catch((e: unknown) => e),
        await f.bridge.sessions.typing(key, true).catch((e: unknown) => e),
      ];
      for (const err of afterCompletion) assert.ok(err instanceof ChatEndedError, String(err));
      await f.bridge.sessions.end(key); // ending an ended chat is a no-op
      assert.equal((await f.bridge.sessions.state(key)).status, 'ended', 'state still answers');
    });
  });

  it('a key no session ever had: SessionNotFoundError; bad input: InvalidInputError naming the field', async () => {
    f = await liveAgentFixture(env());
    const nobody = uniqueCustomer('nobody');
    await f.bridge.run(async () => {
      for (const call of [
        () => f.bridge.sessions.send(nobody, { clientMessageId: 'm', text: 'x' }),
        () => f.bridge.sessions.state(nobody),
        () => f.bridge.sessions.typing(nobody, true),
      ]) {
        const err = await call().catch((e: unknown) => e);
        assert.ok(err instanceof SessionNotFoundError, String(err));
        assert.equal(err.type, 'SessionNotFound');
      }
      const bad = await f.bridge.sessions
        .startOrGet(nobody, { ...sessionInput(nobody, 'ftp://channel.example/x') })
        .catch((e: unknown) => e);
      assert.ok(bad instanceof InvalidInputError, String(bad));
      assert.deepEqual(bad.fields, ['webhookUrl']);
      const other = await f.bridge.sessions
        .startOrGet(nobody, { ...sessionInput(nobody, f.webhook.url), customerId: 'someone-else' })
        .catch((e: unknown) => e);
      assert.ok(other instanceof InvalidInputError);
      assert.deepEqual(other.fields, ['customerId']);
    });
  });

  it('the business key is given once: startOrGet takes the customerId from it', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('once');
    await f.bridge.run(async () => {
      const { customerId: _, ...withoutCustomer } = sessionInput(key, f.webhook.url);
      await f.bridge.sessions.startOrGet(key, withoutCustomer);
      await eventually(async () =>
        (await f.bridge.sessions.state(key)).status !== 'starting' ? true : undefined,
      );
      assert.equal((await f.bridge.sessions.state(key)).customerId, key.customerId);
      await f.bridge.sessions.end(key);
    });
  });

  it('a message the vendor refuses: VendorRejectedError with its reason; the chat goes on', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('refused');
    await f.bridge.run(async () => {
      await openAcceptedChat(f, key);
      f.sim.injectFault({ kind: 'status', status: 400, count: 1, path: 'Chasitor/ChatMessage' });
      const err = await f.bridge.sessions
        .send(key, { clientMessageId: 'm', text: 'x' })
        .catch((e: unknown) => e);
      assert.ok(err instanceof VendorRejectedError, String(err));
      assert.match(err.reason, /HTTP 400/);
      await f.bridge.sessions.send(key, { clientMessageId: 'n', text: 'y' });
      await f.bridge.sessions.end(key);
    });
  });

  it('files, userData and file requests on a vendor without them (Live Agent): VendorRejectedError; nothing reaches the vendor, the chat goes on', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('no-files');
    await f.bridge.run(async () => {
      const { vendorId } = await openAcceptedChat(f, key);
      const refusals: Array<() => Promise<unknown>> = [
        () =>
          f.bridge.sessions.sendFile(key, {
            clientMessageId: 'f',
            url: 'http://127.0.0.1:9/a.pdf',
            fileName: 'a.pdf',
          }),
        () => f.bridge.sessions.updateUserData(key, { tier: 'gold' }),
        () => f.bridge.sessions.fileLimits(key),
      ];
      for (const refused of refusals) {
        const err = await refused().catch((e: unknown) => e);
        assert.ok(err instanceof VendorRejectedError, String(err));
        assert.match(err.reason, /not a Live Agent capability|no file transfer/);
      }
      await f.bridge.sessions.send(key, { clientMessageId: 'n', text: 'y' });
      assert.deepEqual(
        f.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['y'],
      );
      await f.bridge.sessions.end(key);
    });
  });

  it('pipelining: the agent ends the chat mid-burst; every sent promise settles, none is left unhandled', async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('burst');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await f.bridge.run(async () => {
        const { vendorId } = await openAcceptedChat(f, key);
        let ended = false;
        f.sim.on('chasitorMessage', (id, text) => {
          if (!ended && text === 'burst 3') {
            ended = true;
            f.sim.endChat(id);
          }
        });
        // Slow vendor answers, so messages are still queued when the agent ends the chat.
        f.sim.injectFault({ kind: 'latency', ms: 300, count: 12, path: 'Chasitor/ChatMessage' });
        // The README's pattern: await queue() for each message in turn, the `sent` promises only later.
        const pending: Array<Promise<unknown>> = [];
        for (let i = 0; i < 12; i++) {
          const queued = await f.bridge.sessions
            .queue(key, { clientMessageId: `b${i}`, text: `burst ${i}` })
            .catch((e: unknown) => e);
          if (queued instanceof Error) {
            assert.ok(queued instanceof ChatEndedError, String(queued));
            continue;
          }
          pending.push((queued as { sent: Promise<unknown> }).sent);
        }
        // Give rejections time to surface before anything awaits them.
        await new Promise((r) => setTimeout(r, 2_000));
        const outcomes = await Promise.allSettled(pending);
        const failed = outcomes
          .filter((o) => o.status === 'rejected')
          .map((o) => (o as PromiseRejectedResult).reason);
        assert.ok(ended, 'the agent ended the chat mid-burst');
        assert.ok(failed.length > 0, 'some messages met the end');
        for (const reason of failed) assert.ok(reason instanceof ChatEndedError, String(reason));
        assert.ok(f.sim.session(vendorId).chasitorMessages.length >= 4);
      });
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
