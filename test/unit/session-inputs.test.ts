// Inputs the session takes from outside: signal payloads checked in the sandbox and tuning floors the
// client enforces.
import assert from 'node:assert/strict';
import { InvalidInputError } from '../../src/client/errors';
import { sendMessageSchema } from '../../src/client/input-schemas';
import { ChatSessions, sessionWorkflowId } from '../../src/client/chat-sessions';
import { validateSendMessage } from '../../src/workflows/validate-input';
import { sessionTuningSchema } from '../../src/client/input-schemas';
import { tuningFloors } from '../../src/shared/session-types';
import {
  validateConnectionLost,
  validateHandover,
  validateVendorEvents,
} from '../../src/workflows/validate-input';

describe('session inputs', () => {
  it('accepts a well-formed handover signal and names what is wrong with a bad one', () => {
    assert.equal(validateHandover({ generation: 0, reason: '503' }), null);
    assert.equal(validateHandover({ generation: 3 }), null);
    assert.match(validateHandover(null) ?? '', /expects an object/);
    assert.match(validateHandover([]) ?? '', /expects an object/);
    assert.match(validateHandover({ generation: -1 }) ?? '', /generation must be an integer >= 0/);
    assert.match(validateHandover({ generation: 1.5 }) ?? '', /generation/);
    assert.match(validateHandover({ generation: 1, reason: 7 }) ?? '', /reason must be a string/);
  });

  it('refuses tuning below the floors the workflow needs', () => {
    const below = { deliveryMaxBackoffMs: tuningFloors.deliveryMaxBackoffMs - 1 };
    const parsed = sessionTuningSchema.safeParse(below);
    assert.equal(parsed.success, false);
    assert.deepEqual(
      parsed.error?.issues.map((i) => i.path.join('.')),
      ['deliveryMaxBackoffMs'],
    );
    assert.equal(sessionTuningSchema.safeParse({ ...tuningFloors }).success, true);
  });

  it('accepts a well-formed vendorEvents batch and names what is wrong with a bad one', () => {
    const event = (index: number) => ({ id: `u:${index}`, index, at: 'now', event: { kind: 'agentTyping' } });
    const batch = {
      hubId: 'h',
      epoch: 1,
      generation: 0,
      firstIndex: 4,
      events: [event(4), event(5)],
      cursor: { ack: 3 },
      deliveredThrough: 3,
    };
    assert.equal(validateVendorEvents(batch), null);
    assert.match(validateVendorEvents(null) ?? '', /expects an object/);
    assert.match(validateVendorEvents({ ...batch, events: [] }) ?? '', /non-empty array/);
    assert.match(validateVendorEvents({ ...batch, events: [event(4), event(6)] }) ?? '', /events\[1\]/);
    assert.match(validateVendorEvents({ ...batch, cursor: 'x' }) ?? '', /cursor/);
    assert.match(validateVendorEvents({ ...batch, epoch: 1.5 }) ?? '', /epoch must be an integer/);
  });

  it('accepts a well-formed connectionLost signal and refuses an unknown reason', () => {
    assert.equal(validateConnectionLost({ hubId: 'h', reason: 'hubLost', message: '' }), null);
    assert.equal(validateConnectionLost({ hubId: 'h', epoch: 2, reason: 'draining', message: '' }), null);
    assert.match(validateConnectionLost({ hubId: 'h', reason: 'bored' }) ?? '', /reason must be one of/);
    assert.match(validateConnectionLost({ reason: 'hubLost' }) ?? '', /hubId/);
  });
});

describe('sendMessage input (client schema and workflow validator agree)', () => {
  it('keeps the id and the text exactly as given, and refuses whitespace-only values', () => {
    const parsed = sendMessageSchema.parse({ clientMessageId: ' m1 ', text: '  indented\n' });
    assert.deepEqual(parsed, { clientMessageId: ' m1 ', text: '  indented\n' });
    assert.equal(validateSendMessage(parsed), null);
    for (const bad of [
      { clientMessageId: '   ', text: 'x' },
      { clientMessageId: 'm1', text: ' \n\t ' },
    ]) {
      assert.equal(sendMessageSchema.safeParse(bad).success, false, JSON.stringify(bad));
      assert.notEqual(validateSendMessage(bad), null, JSON.stringify(bad));
    }
  });
});

describe('business keys (they name workflow ids)', () => {
  it('refuses control characters, bidi overrides, lone surrogates and an unbounded channel', () => {
    const bad = [
      { channel: 'wechat', customerId: 'a\u0000b' },
      { channel: 'wechat', customerId: 'a\nb' },
      { channel: 'wechat', customerId: 'abc\u202edcba' },
      { channel: 'wechat', customerId: 'x\ud800' },
      { channel: 'wechat', customerId: '\udc00x' },
      { channel: 'w'.repeat(33), customerId: 'a' },
    ];
    for (const key of bad)
      assert.throws(() => sessionWorkflowId(key), InvalidInputError, JSON.stringify(key));
    assert.equal(
      sessionWorkflowId({ channel: 'wechat', customerId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M 😀' }),
      'chat:wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M 😀',
    );
  });
  it('startOrGet refuses input whose customerId differs from the key, before reaching Temporal', async () => {
    const sessions = new ChatSessions({} as never);
    await assert.rejects(
      sessions.startOrGet(
        { channel: 'wechat', customerId: 'c1' },
        { provider: 'salesforce-live-agent', customerId: 'c2', visitorName: 'V' },
      ),
      (err: unknown) => err instanceof InvalidInputError && /customerId: must equal/.test(err.message),
    );
  });
});
