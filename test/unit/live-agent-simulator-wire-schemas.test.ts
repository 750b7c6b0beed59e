// The wire schemas the simulator and the client share: documented fields required, vendor extras kept,
// unknown message types parsed rather than dropped.
import assert from 'node:assert/strict';
import {
  chasitorInitBodySchema,
  chatEndBodySchema,
  chatMessageBodySchema,
  isKnownMessageType,
  knownMessageTypes,
  messageBodySchemas,
  messagesResponseSchema,
  parseKnownMessage,
  rawMessageSchema,
  reconnectSessionResponseSchema,
  sessionIdResponseSchema,
} from '../../src/providers/salesforce-live-agent/wire-schemas';

describe('Live Agent wire schemas', () => {
  it('parses the documented SessionId and Messages examples', () => {
    const session = sessionIdResponseSchema.parse({
      clientPollTimeout: 40,
      key: 'abc!1519169434766!IbjEwmJkIIyqalZS3YBU8WO3nSM=',
      affinityToken: '878a1fa0',
      id: 'abc',
    });
    assert.equal(session.clientPollTimeout, 40);
    const batch = messagesResponseSchema.parse({
      messages: [{ type: 'ChatRequestSuccess', message: { queuePosition: 1 } }, { type: 'AgentTyping' }],
      sequence: 17,
      offset: 1636522046,
    });
    assert.deepEqual(batch.messages[1], { type: 'AgentTyping', message: {} });
    assert.equal(messagesResponseSchema.safeParse({ messages: [], sequence: 1.5, offset: 1 }).success, false);
  });

  it('keeps unknown message types and unknown fields', () => {
    const raw = rawMessageSchema.parse({ type: 'SomethingNew', message: { a: 1 } });
    assert.deepEqual(raw, { type: 'SomethingNew', message: { a: 1 } });
    assert.deepEqual(parseKnownMessage(raw), { ok: true, known: undefined });
    const chat = messageBodySchemas.ChatMessage.parse({
      name: 'Ada',
      text: 'hi',
      schedule: { x: 1 },
      extra: true,
    });
    assert.deepEqual(chat, { name: 'Ada', text: 'hi', schedule: { x: 1 }, extra: true });
  });

  it('requires only what the docs require', () => {
    assert.equal(messageBodySchemas.ChatMessage.safeParse({ name: 'Ada' }).success, false);
    assert.equal(messageBodySchemas.QueueUpdate.safeParse({ position: 1.5 }).success, false);
    assert.equal(messageBodySchemas.ChatEnded.safeParse({}).success, true);
    assert.equal(messageBodySchemas.ChatEnded.parse({ reason: 'agent' }).reason, 'agent');
    assert.deepEqual(messageBodySchemas.ChasitorSessionData.parse({}).chatMessages, []);
    const parsed = parseKnownMessage({ type: 'QueueUpdate', message: { position: 'first' } });
    assert.equal(parsed.ok, false);
    assert.equal(knownMessageTypes.length, 21);
    assert.ok(isKnownMessageType('RichMessage'));
    assert.ok(!isKnownMessageType('ReconnectSession'));
  });

  it('accepts a ReconnectSession answer without resetSequence', () => {
    const answer = reconnectSessionResponseSchema.parse({
      messages: [{ type: 'ReconnectSession', message: { affinityToken: 'efae1fa0' } }],
    });
    assert.equal(answer.messages[0]?.message.resetSequence, undefined);
  });

  it('validates request bodies', () => {
    assert.equal(chatMessageBodySchema.safeParse({ text: '' }).success, false);
    assert.equal(chatEndBodySchema.safeParse({ reason: 'client', type: 'ChatEndReason' }).success, true);
    assert.equal(chatEndBodySchema.safeParse({ reason: 'agent' }).success, false);
    const init = {
      organizationId: '00D000000000001',
      deploymentId: '572000000000001',
      buttonId: '573000000000001',
      sessionId: 'abc',
      userAgent: 'ua',
      language: 'en-US',
      screenResolution: '1900x1080',
      visitorName: 'Vera',
    };
    assert.equal(chasitorInitBodySchema.safeParse(init).success, true);
    const { visitorName: _omitted, ...withoutName } = init;
    assert.equal(chasitorInitBodySchema.safeParse(withoutName).success, false);
  });
});
