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
  it('parses strictly: one decimal t, 64-hex v1s, no trailing garbage; other schemes are skipped', () => {
    const now = 1_800_000_000;
    const header = signPayload(secret, body, now);
    const v1 = header.split('v1=')[1]!;
    const check = (h: string) => verifySignature(secret, body, h, { nowSeconds: now });
    assert.equal(check(`${header},v0=abc`).ok, true, 'an unknown scheme is skipped');
    for (const bad of [
      `${header},`, // trailing comma
      `${header}garbage`, // trailing garbage after the hex
      `${header},junk`,
      `t=1.8e9,v1=${v1}`,
      `t=0x6b49d200,v1=${v1}`,
      `t=+${now},v1=${v1}`,
      `t=${now}.0,v1=${v1}`,
      `t=${now},t=${now},v1=${v1}`,
      `t=${now},v1=${v1.slice(1)}`, // odd-length hex
      `t=${now},v1=${v1.toUpperCase()}`,
      `t=${now}`,
      `v1=${v1}`,
    ]) {
      assert.equal(check(bad).ok, false, bad);
    }
  });

  it('accepts any matching v1, and any of several secrets (a rotation)', () => {
    const now = 1_800_000_000;
    const next = 'the-next-secret-16+';
    const both = signPayload([secret, next], body, now);
    assert.equal(both.split(',').length, 3, 't and one v1 per secret');
    assert.equal(verifySignature(secret, body, both, { nowSeconds: now }).ok, true, 'an old receiver');
    assert.equal(verifySignature(next, body, both, { nowSeconds: now }).ok, true, 'a rotated receiver');
    // A receiver mid-rotation holds both and the bridge still signs with the old one only.
    const old = signPayload(secret, body, now);
    assert.equal(verifySignature([next, secret], body, old, { nowSeconds: now }).ok, true);
    // The matching v1 need not be the last one.
    const other = signPayload('unrelated-secret-16', body, now).split(',')[1]!;
    assert.equal(verifySignature(secret, body, `${old},${other}`, { nowSeconds: now }).ok, true);
  });

  it('refuses a configuration that would turn verification off: blank secrets, NaN or infinite tolerance', () => {
    const header = signPayload(secret, body, 1_800_000_000);
    for (const bad of ['', '                    ', 'short']) {
      assert.throws(() => verifySignature(bad, body, header), TypeError, JSON.stringify(bad));
      assert.throws(() => signPayload(bad, body, 1), TypeError);
    }
    assert.throws(() => verifySignature([], body, header), TypeError);
    for (const toleranceSeconds of [Number.NaN, Infinity, -1, 0, 1.5]) {
      assert.throws(() => verifySignature(secret, body, header, { toleranceSeconds }), TypeError);
    }
  });
});
