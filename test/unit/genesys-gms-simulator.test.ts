// The strict GMS simulator's rules for one chat, without HTTP: GMS's checks in its order, the alias
// rotation the client must follow, the silence that logs the client out, and transcript positions.
import assert from 'node:assert/strict';
import { gmsErrorCode, readReply } from '../../src/providers/genesys-gms/reply-failures';
import { toBridgeEvents } from '../../src/providers/genesys-gms/to-bridge-event';
import { GmsSimChat, refusal } from '../../src/simulators/genesys-gms/sim-chat';
import { FailureType } from '../../src/shared/failure-types';
import { ApplicationFailure } from '@temporalio/common';
import { defaultFileLimits } from '../../src/simulators/genesys-gms/sim-files';

const creds = { chatId: 'c1', userId: 'u1', secureKey: 'k1', alias: '117' };
const t0 = 1_000_000;
const chat = () =>
  new GmsSimChat({ ...creds }, 'Mei', t0, {
    flexDisconnectTimeoutMs: 300_000,
    fileLimits: defaultFileLimits,
  });

describe('GMS simulator chat', () => {
  it('accepts the current credentials and restarts the silence clock with every call', () => {
    const c = chat();
    assert.equal(c.check(creds, t0 + 299_000), null);
    assert.equal(c.check(creds, t0 + 598_000), null, 'each call resets the clock');
    assert.equal(c.check(creds, t0 + 898_001), gmsErrorCode.flexDisconnected);
    assert.equal(c.check(creds, t0 + 898_002), gmsErrorCode.flexDisconnected, 'logged out for good');
    assert.equal(c.transcript.at(-1)?.type, 'ParticipantLeft');
  });

  it('a wrong secure key removes the client at once; a wrong user, or an ended chat after its last answer, is 8201', () => {
    const c = chat();
    assert.equal(c.check({ ...creds, userId: 'other' }, t0), gmsErrorCode.noSuchUser);
    assert.equal(c.check({ ...creds, secureKey: 'stale' }, t0), gmsErrorCode.badSecureKey);
    assert.equal(c.check(creds, t0), gmsErrorCode.noSuchUser, 'the right key no longer helps');
    const ended = chat();
    ended.end('agent');
    assert.equal(ended.check(creds, t0), null, 'one more call learns the end');
    assert.equal(ended.reply(1).chatEnded, true);
    assert.equal(ended.check(creds, t0), gmsErrorCode.noSuchUser, 'then the session restoration fails');
  });

  it('an alias rotation: the next call is answered naming the new alias, the client adopts it, the old one is refused after', () => {
    const c = chat();
    c.rotateAlias('118');
    assert.equal(c.check(creds, t0), null, 'one call with the old alias is still answered');
    const verdict = readReply(c.reply(1), creds, 'refresh');
    assert.ok(verdict.kind === 'ok' && verdict.credentialsChanged);
    assert.equal(c.check(creds, t0), gmsErrorCode.noSuchUser, 'a client that kept the old alias is refused');
    assert.equal(c.check(verdict.credentials, t0), null);
  });

  it('serves the transcript from a position, with nextPosition; the client maps only the agent side', () => {
    const c = chat();
    const ada = c.agentJoins('Ada', t0 + 1);
    c.append('Message', c.client, t0 + 2, 'hello');
    c.append('Message', ada, t0 + 3, 'How can I help?');
    const all = c.reply(1);
    assert.deepEqual(
      all.messages?.map((m) => m.index),
      [1, 2, 3, 4],
    );
    assert.equal(all.nextPosition, 5);
    assert.deepEqual(c.reply(0).messages?.length, 4, '0 means from the start too');
    assert.deepEqual(
      c.reply(4).messages?.map((m) => m.text),
      ['How can I help?'],
    );
    assert.deepEqual(c.reply(5).messages, []);
    assert.deepEqual(toBridgeEvents(all.messages ?? [], false), [
      { kind: 'agentConnected', agentName: 'Ada', agentId: '2' },
      { kind: 'messageReceived', text: 'How can I help?', agentName: 'Ada' },
    ]);
  });

  it('a refusal is statusCode 2 with the code, which the client reads as the session gone', () => {
    for (const code of [gmsErrorCode.badSecureKey, gmsErrorCode.flexDisconnected]) {
      const err = (() => {
        try {
          readReply(refusal(code, false), creds, 'refresh');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, FailureType.sessionGone);
    }
    assert.equal(readReply(refusal(gmsErrorCode.noSuchUser, true), creds, 'refresh').kind, 'ended');
  });
});
