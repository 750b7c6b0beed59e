// ReplayGuard: each idempotency key accepted once inside the signature tolerance window, bounded memory.
import assert from 'node:assert/strict';
import { ReplayGuard } from '../../src/webhooks/replay-guard';

describe('ReplayGuard', () => {
  let now = 1_700_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_700_000_000;
  });

  it('accepts a key once and reports the replay as a duplicate once it is done', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    assert.deepEqual(guard.check('sess:0', now), { ok: true });
    guard.done('sess:0');
    const again = guard.check('sess:0', now);
    assert.equal(again.ok === false && again.reason, 'duplicate');
    assert.deepEqual(guard.check('sess:1', now), { ok: true });
  });

  it('answers a copy that arrives mid-processing as in progress, and lets a retry through after a failure', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    assert.equal(guard.check('k', now).ok, true);
    const concurrent = guard.check('k', now);
    assert.equal(
      concurrent.ok === false && concurrent.reason,
      'inProgress',
      'not a 2xx: the first may still fail',
    );
    guard.release('k'); // the receiver failed and answered 5xx
    assert.equal(guard.check('k', now).ok, true, "the bridge's retry is processed");
    guard.done('k');
    guard.release('k'); // too late to release a processed event
    const after = guard.check('k', now);
    assert.equal(after.ok === false && after.reason, 'duplicate');
  });

  it('lets a retry take over a key whose processing never finished, after the processing lease', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, processingLeaseSeconds: 60, nowSeconds: clock });
    assert.equal(guard.check('k', now).ok, true); // the receiver then hangs: no done(), no release()
    now += 30;
    const early = guard.check('k', now);
    assert.equal(early.ok === false && early.reason, 'inProgress');
    now += 31;
    assert.equal(guard.check('k', now).ok, true, 'the re-signed retry is processed');
    guard.done('k');
    const after = guard.check('k', now);
    assert.equal(after.ok === false && after.reason, 'duplicate');
  });

  it('rejects stale or far-future timestamps, and bad input', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    const stale = guard.check('k', now - 301);
    assert.equal(stale.ok === false && stale.reason, 'stale');
    const future = guard.check('k', now + 301);
    assert.equal(future.ok === false && future.reason, 'stale');
    assert.equal(guard.size, 0, 'rejected requests are not remembered');
    const empty = guard.check('', now);
    assert.equal(empty.ok === false && empty.reason, 'invalid');
    const fractional = guard.check('k', now + 0.5);
    assert.equal(fractional.ok === false && fractional.reason, 'invalid');
  });

  it('remembers a key as long as its signed request could be replayed, and a retry extends that', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    const signedAt = now;
    guard.check('k', signedAt);
    guard.done('k');
    now = signedAt + 300; // the captured request is still fresh: the key must still be known
    assert.equal(guard.check('k', signedAt).ok, false);
    now = signedAt + 301; // the captured request is stale now, whatever the guard remembers
    assert.equal((guard.check('k', signedAt) as { reason: string }).reason, 'stale');

    const other = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    now = 1_700_000_000;
    other.check('r', now);
    other.done('r');
    now += 200;
    assert.equal(other.check('r', now).ok, false, 'a bridge retry re-signed later is a duplicate');
    now += 250; // past the first signature's window, inside the retry's
    assert.equal(other.check('r', now - 250).ok, false, 'the re-signed request cannot be replayed either');
  });

  it('forgets expired keys and bounds memory by refusing, not forgetting early', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 10, maxEntries: 3, nowSeconds: clock });
    for (const k of ['a', 'b', 'c']) {
      assert.equal(guard.check(k, now).ok, true);
      guard.done(k);
    }
    const full = guard.check('d', now);
    assert.equal(full.ok === false && full.reason, 'capacity');
    assert.equal(guard.check('a', now).ok, false, 'a is still remembered');
    now += 11;
    assert.equal(guard.check('d', now).ok, true, 'expired keys make room');
    assert.equal(guard.size, 1);
    assert.equal(guard.check('a', now).ok, true, 'an expired key is new again (its old signature is stale)');
  });
});
