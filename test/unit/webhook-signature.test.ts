import assert from 'node:assert/strict';
import { signPayload, verifySignature } from '../../src/webhooks/signature';

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
});
