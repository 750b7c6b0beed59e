// Poison vendor events: too deep or too large to become a Temporal payload; bounded to a small
// `unknown` event that is recorded and acknowledged instead of being refused forever.
import assert from 'node:assert/strict';
import { boundEvent } from '../../src/hub/bound-event';
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
});
