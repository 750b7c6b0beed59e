// Genesys GMS chat v2 on the wire, without a server: the reply envelope (HTTP 200 even for errors), the
// Chat Server error codes, credentials re-read from every good reply (the alias rotates), and transcript
// items in our event vocabulary with the customer's own echoes left out.
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { gmsFormBody, requestChatFields } from '../../src/providers/genesys-gms/form-body';
import { errorCodes, readReply } from '../../src/providers/genesys-gms/reply-failures';
import { toBridgeEvents, TranscriptReader } from '../../src/providers/genesys-gms/to-bridge-event';
import {
  gmsReplySchema,
  type GmsCredentials,
  type GmsReply,
} from '../../src/providers/genesys-gms/wire-schemas';
import { FailureType } from '../../src/shared/failure-types';

const sent: GmsCredentials = {
  chatId: '00048aAPEQJ8000U',
  userId: '007555677B20000A',
  secureKey: 'k1',
  alias: '117',
};
const reply = (r: unknown) => gmsReplySchema.parse(r);
const failureOf = (r: GmsReply) => {
  try {
    readReply(r, sent, 'refresh');
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure);
    return { type: err.type, retryable: !err.nonRetryable, message: err.message };
  }
  return assert.fail('expected a failure');
};

describe('GMS replies', () => {
  it('statusCode 0: credentials re-read from the reply; a new alias is the handover', () => {
    const same = readReply(
      reply({ statusCode: 0, alias: '117', userId: sent.userId, secureKey: 'k1', nextPosition: 3 }),
      sent,
      'refresh',
    );
    assert.ok(same.kind === 'ok');
    assert.equal(same.credentialsChanged, false);
    const moved = readReply(
      reply({ statusCode: 0, alias: '118', userId: sent.userId, secureKey: 'k2' }),
      sent,
      'send',
    );
    assert.ok(moved.kind === 'ok');
    assert.equal(moved.credentialsChanged, true);
    assert.deepEqual(moved.credentials, { ...sent, alias: '118', secureKey: 'k2' });
  });

  it('statusCode 1 is retryable and its other fields are never read, however they look', () => {
    const garbage = reply({ statusCode: 1, alias: 'bogus', secureKey: 'bogus', errors: [{ code: 1234 }] });
    assert.deepEqual(failureOf(garbage), {
      type: FailureType.vendorUnavailable,
      retryable: true,
      message: 'genesys-gms refresh: statusCode 1, error code 1234',
    });
  });

  it('8210 (bad secure key) and 8209 (logged out for silence) end the session', () => {
    for (const code of [8210, 8209, '8210']) {
      const failure = failureOf(reply({ statusCode: 2, errors: [{ code, advice: 'x' }] }));
      assert.equal(failure.type, FailureType.sessionGone, String(code));
      assert.equal(failure.retryable, false);
    }
  });

  it('8201 (no such user) on a running chat asks for a handover (a superseded alias); on an ended chat, the end', () => {
    const running = failureOf(reply({ statusCode: 2, errors: [{ code: 8201 }] }));
    assert.equal(running.type, FailureType.handoverRequired);
    assert.equal(
      readReply(reply({ statusCode: 2, chatEnded: true, errors: [{ code: 8201 }] }), sent, 'refresh').kind,
      'ended',
    );
  });

  it('a reply that says the chat ended is the end, not a failure; other statusCode 2 errors are refusals', () => {
    assert.equal(readReply(reply({ statusCode: 0, chatEnded: true }), sent, 'refresh').kind, 'ended');
    assert.equal(readReply(reply({ statusCode: 2, chatEnded: true }), sent, 'send').kind, 'ended');
    assert.equal(
      failureOf(reply({ statusCode: 2, errors: [{ code: 243 }] })).type,
      FailureType.requestRejected,
    );
  });

  it('reads error codes from code or errorCode, numbers or digit strings, and ignores the rest', () => {
    const r = reply({ statusCode: 2, errors: [{ code: 8201 }, { errorCode: '8209' }, { code: 'x1' }, {}] });
    assert.deepEqual(errorCodes(r), [8201, 8209]);
  });

  it('refuses an envelope without a valid statusCode; keeps fields it does not know', () => {
    assert.equal(gmsReplySchema.safeParse({ alias: '117' }).success, false);
    assert.equal(gmsReplySchema.safeParse({ statusCode: 3 }).success, false);
    assert.deepEqual(reply({ statusCode: 0, newField: 1 }).newField, 1);
  });
});

describe('GMS transcript items as bridge events', () => {
  const agent = { nickname: 'Ada', participantId: 2, type: 'Agent' };
  const client = { nickname: 'Mei', participantId: 1, type: 'Client' };

  it('maps the agent side and leaves out the customer’s own echoes', () => {
    const events = toBridgeEvents(
      [
        { index: 1, type: 'ParticipantJoined', from: client },
        { index: 2, type: 'Message', from: client, text: 'hello' },
        { index: 3, type: 'ParticipantJoined', from: agent },
        { index: 4, type: 'TypingStarted', from: agent },
        { index: 5, type: 'Message', from: agent, text: 'How can I help?' },
        { index: 6, type: 'TypingStopped', from: agent },
        { index: 7, type: 'CustomNotice', from: agent, text: '{"order":1}' },
        { index: 8, type: 'ParticipantLeft', from: agent },
      ],
      false,
    );
    assert.deepEqual(events, [
      { kind: 'agentConnected', agentName: 'Ada', agentId: '2' },
      { kind: 'agentTyping' },
      { kind: 'messageReceived', text: 'How can I help?', agentName: 'Ada' },
      { kind: 'agentNotTyping' },
      { kind: 'customEvent', type: 'CustomNotice', data: '{"order":1}' },
      { kind: 'agentDisconnected' },
    ]);
  });

  it('passes an item it does not map through as unknown, and ends with chatEnded when the reply says so', () => {
    const idle = { index: 9, type: 'IdleAlert', from: agent, text: 'are you there?' };
    assert.deepEqual(toBridgeEvents([idle], true), [
      { kind: 'unknown', vendorType: 'IdleAlert', raw: idle },
      { kind: 'chatEnded', reason: 'agent' },
    ]);
  });

  it('notices and pushed URLs are named custom events; an agent file is fileShared, the customer echo nothing', () => {
    const file = (from: typeof agent) => ({
      index: 4,
      type: 'FileUploaded',
      from,
      userData: {
        'file-id': 'f1',
        'file-name': 'label.pdf',
        'file-size': '2048',
        'file-type': 'application/pdf',
      },
    });
    assert.deepEqual(
      toBridgeEvents(
        [
          { index: 1, type: 'Notice', from: agent, text: 'queued' },
          { index: 2, type: 'PushUrl', from: agent, text: 'https://example.test/faq' },
          file(agent),
          file({ ...agent, type: 'Client', participantId: 1 }),
        ],
        false,
      ),
      [
        { kind: 'customEvent', type: 'Notice', data: 'queued' },
        { kind: 'customEvent', type: 'PushUrl', data: 'https://example.test/faq' },
        {
          kind: 'fileShared',
          fileId: 'f1',
          fileName: 'label.pdf',
          fileSize: 2048,
          contentType: 'application/pdf',
          agentName: 'Ada',
        },
      ],
    );
  });

  it('an agent who leaves while another stays is a transfer to that one; the last one leaving is a disconnect', () => {
    const grace = { nickname: 'Grace', participantId: 3, type: 'Agent' };
    const reader = new TranscriptReader([['2', 'Ada']]);
    assert.deepEqual(
      reader.read(
        [
          { index: 5, type: 'ParticipantJoined', from: grace },
          { index: 6, type: 'ParticipantLeft', from: agent },
          { index: 7, type: 'ParticipantLeft', from: grace },
        ],
        false,
      ),
      [
        { kind: 'agentConnected', agentName: 'Grace', agentId: '3' },
        { kind: 'transferred', agentName: 'Grace', agentId: '3' },
        { kind: 'agentDisconnected' },
      ],
    );
    assert.deepEqual(reader.agents(), [], 'the cursor records that nobody is left');
  });
});

describe('GMS form bodies', () => {
  it('form-encodes fields, the credentials and userData[key], leaving out what is undefined', () => {
    const body = gmsFormBody(
      { message: 'héllo & bye', transcriptPosition: 3, messageType: undefined },
      { credentials: sent, userData: { TimeZone: -480, order: { id: 1 }, skip: undefined } },
    );
    const form = new URLSearchParams(body);
    assert.deepEqual(
      [...form.entries()],
      [
        ['message', 'héllo & bye'],
        ['transcriptPosition', '3'],
        ['userId', sent.userId],
        ['secureKey', sent.secureKey],
        ['alias', sent.alias],
        ['userData[TimeZone]', '-480'],
        ['userData[order]', '{"id":1}'],
      ],
    );
    assert.match(body, /userData%5BTimeZone%5D=-480/);
  });

  it('names request-chat fields as GMS reads them', () => {
    assert.deepEqual(requestChatFields({ firstName: 'Mei', lastName: 'Li', email: 'mei@example.test' }), {
      nickname: undefined,
      firstName: 'Mei',
      lastName: 'Li',
      emailAddress: 'mei@example.test',
      subject: undefined,
    });
  });
});
