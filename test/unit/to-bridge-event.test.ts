import assert from 'node:assert/strict';
import { toBridgeEvent } from '../../src/providers/salesforce-live-agent/to-bridge-event';
import {
  messageBodySchemas,
  sessionIdResponseSchema,
} from '../../src/providers/salesforce-live-agent/wire-schemas';
import { buildChasitorInit } from '../../src/providers/salesforce-live-agent/chasitor-init';

describe('Live Agent messages → bridge events', () => {
  it('maps the documented message types', () => {
    assert.deepEqual(toBridgeEvent({ type: 'ChatMessage', message: { name: 'Ada', text: 'hi' } }), {
      kind: 'messageReceived',
      text: 'hi',
      agentName: 'Ada',
    });
    assert.deepEqual(
      toBridgeEvent({ type: 'QueueUpdate', message: { position: 2, estimatedWaitTime: 30 } }),
      {
        kind: 'queueUpdate',
        position: 2,
        estimatedWaitSeconds: 30,
      },
    );
    assert.deepEqual(toBridgeEvent({ type: 'ChatEstablished', message: { name: 'Ada', userId: '005x' } }), {
      kind: 'agentConnected',
      agentName: 'Ada',
      agentId: '005x',
    });
    assert.deepEqual(toBridgeEvent({ type: 'ChatEnded', message: { reason: 'agent' } }), {
      kind: 'chatEnded',
      reason: 'agent',
    });
    assert.deepEqual(toBridgeEvent({ type: 'ChatRequestFail', message: { reason: 'Unavailable' } }), {
      kind: 'chatEnded',
      reason: 'requestFailed',
      detail: 'Unavailable',
    });
    assert.deepEqual(toBridgeEvent({ type: 'TransferToButtonInitiated', message: {} }), {
      kind: 'transferred',
      toQueue: true,
    });
    assert.deepEqual(toBridgeEvent({ type: 'AgentTyping' }), { kind: 'agentTyping' });
  });

  it('turns the ChasitorSessionData replay into a reconnected event, never into messages', () => {
    const event = toBridgeEvent({
      type: 'ChasitorSessionData',
      message: {
        chatMessages: [
          { type: 'Agent', name: 'Ada', content: 'old', timestamp: 1, sequence: 1 },
          { type: 'Chasitor', name: 'Mei', content: 'mine', timestamp: 2, sequence: 2 },
        ],
      },
    });
    assert.deepEqual(event, { kind: 'reconnected', transcriptEntries: 2, customerMessages: 1 });
  });

  it('keeps unknown types and known types with a broken body as unknown events', () => {
    assert.deepEqual(toBridgeEvent({ type: 'BrandNewThing', message: { a: 1 } }), {
      kind: 'unknown',
      vendorType: 'BrandNewThing',
      raw: { a: 1 },
    });
    const broken = toBridgeEvent({ type: 'ChatMessage', message: { text: 42 } });
    assert.equal(broken.kind, 'unknown');
  });
  it('a terminal message never degrades to unknown: attachedRecords in every documented shape, or a broken body', () => {
    for (const attachedRecords of [
      [{ fieldName: 'Case', fieldValue: '500000000000001' }],
      ['500000000000001'],
      '500000000000001',
      [],
    ]) {
      assert.deepEqual(toBridgeEvent({ type: 'ChatEnded', message: { reason: 'agent', attachedRecords } }), {
        kind: 'chatEnded',
        reason: 'agent',
      });
    }
    assert.deepEqual(toBridgeEvent({ type: 'ChatEnded', message: { reason: 42 } }), {
      kind: 'chatEnded',
      reason: 'agent',
    });
    assert.deepEqual(toBridgeEvent({ type: 'ChatRequestFail', message: { reason: ['x'] } }), {
      kind: 'chatEnded',
      reason: 'requestFailed',
    });
  });

  it('reads SensitiveDataRules under the documented sensitiveDataRules key', () => {
    const parsed = messageBodySchemas.SensitiveDataRules.safeParse({
      sensitiveDataRules: [{ id: '0GN1', name: 'Card numbers' }],
    });
    assert.ok(parsed.success);
    assert.deepEqual(parsed.data.sensitiveDataRules, [{ id: '0GN1', name: 'Card numbers' }]);
  });
});

describe('ChasitorInit body', () => {
  const config = {
    baseUrl: 'https://d.example.test/chat/rest/',
    apiVersion: '52',
    organizationId: '00D000000000001',
    deploymentId: '572000000000001',
    buttonId: '573000000000001',
    requestTimeoutMs: 10_000,
    maxBodyBytes: 1 << 20,
  };
  it('sends buttonOverrides only when some are given', () => {
    const plain = buildChasitorInit(config, 'sid', { visitorName: 'V', providerOptions: {} } as never);
    assert.equal('buttonOverrides' in plain, false);
    const overridden = buildChasitorInit(config, 'sid', {
      visitorName: 'V',
      providerOptions: { buttonOverrides: ['573000000000002'] },
    } as never);
    assert.deepEqual(overridden.buttonOverrides, ['573000000000002']);
  });
});

describe('SessionId answer', () => {
  it('refuses a clientPollTimeout the poll deadline cannot use (0, negative, fractional, huge)', () => {
    const base = { id: 'sid', key: 'k', affinityToken: 'a' };
    assert.ok(sessionIdResponseSchema.safeParse({ ...base, clientPollTimeout: 40 }).success);
    for (const clientPollTimeout of [0, -5, 1.5, 86_400]) {
      assert.equal(sessionIdResponseSchema.safeParse({ ...base, clientPollTimeout }).success, false);
    }
  });
});
