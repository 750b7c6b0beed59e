// ReplayGuard: each event key accepted once inside the signature tolerance window, with a processing
// lease (in progress → done, or released), bounded memory.
import assert from 'node:assert/strict';
import { ReplayGuard, type ReplayVerdict } from '../../src/webhooks/replay-guard';

/** The lease of an accepted request (fails the test when it was not accepted). */
function leaseOf(verdict: ReplayVerdict): number {
  assert.ok(verdict.ok, `expected ok, got ${JSON.stringify(verdict)}`);
  return verdict.lease;
}
const reasonOf = (verdict: ReplayVerdict) => (verdict.ok ? 'ok' : verdict.reason);

describe('ReplayGuard', () => {
  let now = 1_700_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_700_000_000;
  });

  it('accepts a key once and reports the replay as a duplicate once it is done', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    guard.done('sess:0', leaseOf(guard.check('sess:0', now)));
    assert.equal(reasonOf(guard.check('sess:0', now)), 'duplicate');
    assert.equal(guard.check('sess:1', now).ok, true);
  });

  it('answers a copy that arrives mid-processing as in progress, and lets a retry through after a failure', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    const first = leaseOf(guard.check('k', now));
    assert.equal(reasonOf(guard.check('k', now)), 'inProgress', 'not a 2xx: the first may still fail');
    guard.release('k', first); // the receiver failed and answered 5xx
    const retry = leaseOf(guard.check('k', now));
    guard.done('k', retry);
    guard.release('k', retry); // too late to release a processed event
    assert.equal(reasonOf(guard.check('k', now)), 'duplicate');
  });

  it('lets a retry take over a key whose processing never finished, and the stuck request cannot touch it', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, processingLeaseSeconds: 60, nowSeconds: clock });
    const stuck = leaseOf(guard.check('k', now)); // the receiver then hangs: no done(), no release()
    now += 30;
    assert.equal(reasonOf(guard.check('k', now)), 'inProgress');
    now += 31;
    const takeover = leaseOf(guard.check('k', now));
    guard.release('k', stuck); // the stuck request wakes up and fails: it no longer holds the key
    assert.equal(reasonOf(guard.check('k', now)), 'inProgress', 'the takeover still holds it');
    guard.done('k', stuck);
    assert.equal(reasonOf(guard.check('k', now)), 'inProgress', 'nor can the stuck request mark it done');
    guard.done('k', takeover);
    assert.equal(reasonOf(guard.check('k', now)), 'duplicate');
  });

  it('keeps a leased key past its replay window, so a re-signed retry is not processed twice', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, processingLeaseSeconds: 60, nowSeconds: clock });
    const signedAt = now - 280; // accepted 20 s before its window ends
    leaseOf(guard.check('k', signedAt));
    now += 30; // past the first signature's window, inside the processing lease
    assert.equal(reasonOf(guard.check('k', now)), 'inProgress');
  });

  it('rejects stale or far-future timestamps, and bad input', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    assert.equal(reasonOf(guard.check('k', now - 301)), 'stale');
    assert.equal(reasonOf(guard.check('k', now + 301)), 'stale');
    assert.equal(guard.size, 0, 'rejected requests are not remembered');
    assert.equal(reasonOf(guard.check('', now)), 'invalid');
    assert.equal(reasonOf(guard.check('k', now + 0.5)), 'invalid');
  });

  it('remembers a key as long as its signed request could be replayed, and a retry extends that', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    const signedAt = now;
    guard.done('k', leaseOf(guard.check('k', signedAt)));
    now = signedAt + 300; // the captured request is still fresh: the key must still be known
    assert.equal(reasonOf(guard.check('k', signedAt)), 'duplicate');
    now = signedAt + 301; // the captured request is stale now, whatever the guard remembers
    assert.equal(reasonOf(guard.check('k', signedAt)), 'stale');

    const other = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    now = 1_700_000_000;
    other.done('r', leaseOf(other.check('r', now)));
    now += 200;
    assert.equal(
      reasonOf(other.check('r', now)),
      'duplicate',
      'a bridge retry re-signed later is a duplicate',
    );
    now += 250; // past the first signature's window, inside the retry's
    assert.equal(
      reasonOf(other.check('r', now - 250)),
      'duplicate',
      'the re-signed request cannot be replayed',
    );
  });

  it('remembers a key for the delivery horizon: a retry re-signed an hour later is still a duplicate', () => {
    const guard = new ReplayGuard({ toleranceSeconds: 300, nowSeconds: clock });
    guard.done('late', leaseOf(guard.check('late', now)));
    now += 3600; // the bridge retried with backoff (the first attempt's answer was lost)
    assert.equal(reasonOf(guard.check('late', now)), 'duplicate');
    now += 3 * 24 * 3600 - 3600; // two days and 23 hours after the first signature
    assert.equal(reasonOf(guard.check('late', now)), 'duplicate');
  });

  it('refuses options that would turn it off (NaN, Infinity, zero)', () => {
    for (const bad of [Number.NaN, Infinity, 0, -5, 2.5]) {
      assert.throws(() => new ReplayGuard({ toleranceSeconds: bad }), TypeError);
      assert.throws(() => new ReplayGuard({ processingLeaseSeconds: bad }), TypeError);
      assert.throws(() => new ReplayGuard({ maxEntries: bad }), TypeError);
    }
    assert.throws(
      () => new ReplayGuard({ rememberSeconds: 3_600, processingLeaseSeconds: 7_200 }),
      /processingLeaseSeconds \(7200\) must not exceed rememberSeconds \(3600\)/,
    );
  });

  it('forgets expired keys and bounds memory by refusing, not forgetting early', () => {
    const guard = new ReplayGuard({
      toleranceSeconds: 10,
      rememberSeconds: 10,
      maxEntries: 3,
      nowSeconds: clock,
    });
    for (const k of ['a', 'b', 'c']) guard.done(k, leaseOf(guard.check(k, now)));
    assert.equal(reasonOf(guard.check('d', now)), 'capacity');
    assert.equal(reasonOf(guard.check('a', now)), 'duplicate', 'a is still remembered');
    now += 11;
    assert.equal(guard.check('d', now).ok, true, 'expired keys make room');
    assert.equal(guard.size, 1);
    assert.equal(guard.check('a', now).ok, true, 'an expired key is new again (its old signature is stale)');
  });
});
