import assert from 'node:assert/strict';
import { signPayload, verifyDelivery, verifySignature } from '../../src/webhooks/signature';

describe('webhook signatures', () => {
  const secret = 'secret-of-sixteen+';
  const body = '{"event":1}';
  it('verifies a fresh signature and rejects a changed body, a wrong secret and a stale timestamp', () => {
    const now = 1_800_000_000;
    const header = signPayload(secret, body, now);
    assert.deepEqual(verifySignature(secret, body, header, { nowSeconds: now }), {
      ok: true,
      timestamp: now,
    });
    assert.equal(verifySignature(secret, body + ' ', header, { nowSeconds: now }).ok, false);
    assert.equal(verifySignature('another-secret-16', body, header, { nowSeconds: now }).ok, false);
    const stale = verifySignature(secret, body, header, { nowSeconds: now + 301, toleranceSeconds: 300 });
    assert.deepEqual(stale, { ok: false, reason: 'signature timestamp outside tolerance' });
    assert.equal(verifySignature(secret, body, undefined).ok, false);
    assert.equal(verifySignature(secret, body, 'garbage', { nowSeconds: now }).ok, false);
  });

  it('verifyDelivery returns the signed event id to deduplicate on, and refuses an unsigned key that differs', () => {
    const now = 1_800_000_000;
    const delivery = JSON.stringify({ sessionId: 's', customerId: 'c', event: { id: 'uid:4', index: 4 } });
    const signature = signPayload(secret, delivery, now);
    const ok = verifyDelivery(secret, delivery, { signature, idempotencyKey: 'uid:4' }, { nowSeconds: now });
    assert.equal(ok.ok && ok.key, 'uid:4');
    // A captured request replayed with a fresh idempotency-key header is still the same signed event.
    assert.deepEqual(
      verifyDelivery(secret, delivery, { signature, idempotencyKey: 'uid:999' }, { nowSeconds: now }),
      {
        ok: false,
        reason: 'idempotency-key header does not match the signed event id',
      },
    );
    const notJson = signPayload(secret, 'nope', now);
    assert.deepEqual(
      verifyDelivery(secret, 'nope', { signature: notJson, idempotencyKey: undefined }, { nowSeconds: now }),
      {
        ok: false,
        reason: 'body is not JSON',
      },
    );
    const noId = '{"event":{}}';
    assert.equal(
      verifyDelivery(
        secret,
        noId,
        { signature: signPayload(secret, noId, now), idempotencyKey: undefined },
        { nowSeconds: now },
      ).ok,
      false,
    );
    assert.equal(
      verifyDelivery(secret, delivery, { signature: undefined, idempotencyKey: 'uid:4' }).ok,
      false,
    );
  });
});
