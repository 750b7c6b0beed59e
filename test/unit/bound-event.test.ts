// Poison vendor events: too deep or too large to become a Temporal payload; bounded to a small
// `unknown` event that is recorded and acknowledged instead of being refused forever.
import assert from 'node:assert/strict';
import { boundBatch, boundEvent, defaultEventBounds } from '../../src/hub/bound-event';
import type { BridgeEvent } from '../../src/shared/events';

describe('boundEvent', () => {
  it('passes ordinary events through unchanged', () => {
    const event: BridgeEvent = { kind: 'messageReceived', text: 'hello' };
    assert.equal(boundEvent(event), event);
  });

  it('a message nested 4,100 levels deep becomes a small unknown event naming why', () => {
    let raw: unknown = 'bottom';
    for (let i = 0; i < 4_100; i++) raw = { nested: raw };
    const bounded = boundEvent({ kind: 'unknown', vendorType: 'RichMessage', raw });
    assert.deepEqual(bounded, {
      kind: 'unknown',
      vendorType: 'RichMessage',
      raw: { dropped: true, reason: 'tooDeep', depthOver: 32 },
    });
  });

  it('a 3 MB agent message becomes an unknown event with its size, well under the payload limit', () => {
    const bounded = boundEvent({ kind: 'messageReceived', text: 'x'.repeat(3 * 1024 * 1024) });
    assert.equal(bounded.kind, 'unknown');
    assert.deepEqual(bounded, {
      kind: 'unknown',
      vendorType: 'messageReceived',
      raw: { dropped: true, reason: 'tooLarge', bytes: 3 * 1024 * 1024 + 36 },
    });
    assert.ok(JSON.stringify(bounded).length < 200);
  });

  it('a 4 MB vendor answer of 64 KB messages fits one update: the largest are dropped, the rest kept in order', () => {
    const big = (i: number): BridgeEvent => ({
      kind: 'messageReceived',
      text: `${i}`.padEnd(60 * 1024, 'x'),
    });
    const events: BridgeEvent[] = [{ kind: 'agentTyping' }];
    for (let i = 0; i < 66; i++) events.push(big(i));
    events.push({ kind: 'messageReceived', text: 'small, after them' });
    const bounded = boundBatch(events);
    assert.equal(bounded.length, events.length, 'one event out for every event in: indices stay aligned');
    const total = bounded.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 160, 0);
    assert.ok(total <= defaultEventBounds.maxBatchBytes, `${total} bytes`);
    const kept = bounded.filter((e) => e.kind === 'messageReceived');
    const dropped = bounded.filter((e) => e.kind === 'unknown');
    assert.ok(kept.length >= 15 && dropped.length >= 40, `${kept.length} kept, ${dropped.length} dropped`);
    assert.deepEqual(dropped[0], {
      kind: 'unknown',
      vendorType: 'messageReceived',
      raw: { dropped: true, reason: 'batchTooLarge', bytes: Buffer.byteLength(JSON.stringify(big(0))) },
    });
    assert.deepEqual(bounded[0], { kind: 'agentTyping' });
    assert.deepEqual(bounded.at(-1), { kind: 'messageReceived', text: 'small, after them' });
  });

  it('leaves a batch under the budget as it is', () => {
    const events: BridgeEvent[] = [{ kind: 'messageReceived', text: 'a' }, { kind: 'agentTyping' }];
    assert.deepEqual(boundBatch(events), events);
  });
});
