// The hub's small rules, without a hub: what a failed receive means, how membership is reported to the
// lease workflow, and when the lease guard fences.
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { LeaseGuard, type LeaseReading } from '../../src/hub/lease-guard';
import { MembershipReporter } from '../../src/hub/membership-reporter';
import { receiveFailureAction } from '../../src/hub/receive-failure';
import { VendorCredentialsChanged } from '../../src/providers/chat-provider';
import { vendorFailure } from '../../src/providers/vendor-failure';
import { FailureType } from '../../src/shared/failure-types';
import type { HubMembershipSignal } from '../../src/shared/hub-types';

const typed = (type: string, message = 'boom') => ApplicationFailure.create({ type, message });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await pause(5);
  }
}

/** Tracks whether a promise settled, without awaiting it. */
function track(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe('receiveFailureAction', () => {
  it('handoverRequired → handover', () => {
    assert.deepEqual(receiveFailureAction(typed(FailureType.handoverRequired, '503'), 0, 3), {
      kind: 'handover',
      message: '503',
    });
  });

  it('credentials the vendor named → handover carrying them', () => {
    const err = new VendorCredentialsChanged({ alias: '118' }, 'alias 117 → 118');
    assert.deepEqual(receiveFailureAction(err, 0, 3), {
      kind: 'handover',
      message: 'alias 117 → 118',
      credentials: { alias: '118' },
    });
  });

  it('sessionGone and connectionConflict → lost, with their reasons', () => {
    assert.deepEqual(receiveFailureAction(typed(FailureType.sessionGone, 'expired'), 0, 3), {
      kind: 'lost',
      reason: 'sessionGone',
      message: 'expired',
    });
    assert.deepEqual(receiveFailureAction(typed(FailureType.connectionConflict, '409'), 0, 3), {
      kind: 'lost',
      reason: 'conflict',
      message: '409',
    });
  });

  it('a malformed body is retried until the limit, then fails the session typed', () => {
    const err = typed(FailureType.malformedResponse, 'bad body');
    assert.deepEqual(receiveFailureAction(err, 1, 3), { kind: 'retry', message: 'bad body' });
    assert.deepEqual(receiveFailureAction(err, 2, 3), { kind: 'retry', message: 'bad body' });
    assert.deepEqual(receiveFailureAction(err, 3, 3), {
      kind: 'lost',
      reason: 'failed',
      message: 'bad body (after 3 attempts)',
      failureType: FailureType.malformedResponse,
    });
    assert.equal(receiveFailureAction(err, 4, 3).kind, 'lost');
  });

  it('requestRejected and unknownProvider fail the session with their type', () => {
    for (const type of [FailureType.requestRejected, FailureType.unknownProvider]) {
      assert.deepEqual(receiveFailureAction(typed(type, 'no'), 0, 3), {
        kind: 'lost',
        reason: 'failed',
        message: 'no',
        failureType: type,
      });
    }
  });

  it('anything else is transient: retry', () => {
    assert.deepEqual(receiveFailureAction(typed(FailureType.vendorUnavailable, '502'), 0, 3), {
      kind: 'retry',
      message: '502',
    });
    assert.deepEqual(receiveFailureAction(new Error('socket hang up'), 0, 3), {
      kind: 'retry',
      message: 'socket hang up',
    });
    assert.deepEqual(receiveFailureAction('weird', 0, 3), { kind: 'retry', message: 'weird' });
    assert.equal(receiveFailureAction(typed('SomethingElse'), 0, 3).kind, 'retry');
  });

  it('reads the type of failures built by providers (vendorFailure)', () => {
    const err = vendorFailure(FailureType.sessionGone, 'gone', { provider: 'p', operation: 'receive' });
    assert.deepEqual(receiveFailureAction(err, 0, 3), {
      kind: 'lost',
      reason: 'sessionGone',
      message: 'p receive: gone',
    });
  });
});

describe('MembershipReporter', () => {
  it('batches the attaches and detaches of a short window into one report', async () => {
    const reports: HubMembershipSignal[] = [];
    const reporter = new MembershipReporter(async (change) => {
      reports.push(change);
    }, 20);
    const a = reporter.attachedNow('wf-a');
    const b = reporter.attachedNow('wf-b');
    reporter.detachedNow('wf-old');
    reporter.detachedNow('wf-b'); // attached and detached in one window: the latest wins
    const c = reporter.attachedNow('wf-c');
    await Promise.all([a, b, c]);
    assert.equal(reports.length, 1);
    assert.deepEqual(
      { attached: [...reports[0]!.attached].sort(), detached: [...reports[0]!.detached].sort() },
      { attached: ['wf-a', 'wf-c'], detached: ['wf-b', 'wf-old'] },
    );
    reporter.close();
  });

  it('an attach resolves only after its report succeeded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reports: HubMembershipSignal[] = [];
    const reporter = new MembershipReporter(async (change) => {
      reports.push(change);
      await gate;
    }, 5);
    const attach = track(reporter.attachedNow('wf-a'));
    await waitUntil('report sent', () => reports.length === 1);
    await pause(30);
    assert.equal(attach.settled, false, 'not recorded yet');
    release();
    await waitUntil('attach resolved', () => attach.settled);
    reporter.close();
  });

  it('changes made while a report is in flight go in the next report', async () => {
    let release!: () => void;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const reports: HubMembershipSignal[] = [];
    const reporter = new MembershipReporter(async (change) => {
      reports.push(change);
      await gate;
    }, 5);
    const first = reporter.attachedNow('wf-a');
    await waitUntil('first report', () => reports.length === 1);
    const second = track(reporter.attachedNow('wf-b'));
    reporter.detachedNow('wf-x');
    const firstRelease = release;
    gate = Promise.resolve();
    firstRelease();
    await first;
    await waitUntil('second attach resolved', () => second.settled);
    assert.deepEqual(reports, [
      { attached: ['wf-a'], detached: [] },
      { attached: ['wf-b'], detached: ['wf-x'] },
    ]);
    reporter.close();
  });

  it('a failed report is retried and nothing is lost (newer changes win)', async () => {
    const attempts: HubMembershipSignal[] = [];
    let failures = 1;
    const reporter = new MembershipReporter(async (change) => {
      attempts.push(change);
      if (failures-- > 0) {
        // Meanwhile: wf-a is detached again, wf-c is attached.
        reporter.detachedNow('wf-a');
        void reporter.attachedNow('wf-c');
        throw new Error('lease workflow unreachable');
      }
    }, 5);
    const a = track(reporter.attachedNow('wf-a'));
    const b = reporter.attachedNow('wf-b');
    reporter.detachedNow('wf-gone');
    await b;
    assert.equal(a.settled, true);
    assert.equal(attempts.length, 2);
    assert.deepEqual(
      { attached: [...attempts[0]!.attached].sort(), detached: attempts[0]!.detached },
      { attached: ['wf-a', 'wf-b'], detached: ['wf-gone'] },
    );
    assert.deepEqual(
      { attached: [...attempts[1]!.attached].sort(), detached: [...attempts[1]!.detached].sort() },
      { attached: ['wf-b', 'wf-c'], detached: ['wf-a', 'wf-gone'] },
      'the failed batch is retried, merged with what changed since',
    );
    reporter.close();
  });

  it('close() releases waiting attaches and reports nothing more', async () => {
    const reports: HubMembershipSignal[] = [];
    const reporter = new MembershipReporter(async (change) => {
      reports.push(change);
    }, 50);
    const waiting = reporter.attachedNow('wf-a');
    reporter.close();
    await waiting;
    reporter.detachedNow('wf-b');
    const late = track(reporter.attachedNow('wf-c'));
    await waitUntil('an attach after close is not kept waiting', () => late.settled, 2_000);
    await pause(100);
    assert.deepEqual(reports, []);
  });

  it('close() during a failing report releases the attach waiting on it', async () => {
    let reject!: (err: Error) => void;
    const reporter = new MembershipReporter(
      () =>
        new Promise<void>((_resolve, rej) => {
          reject = rej;
        }),
      5,
    );
    const attach = track(reporter.attachedNow('wf-a'));
    await waitUntil('report in flight', () => reject !== undefined);
    reporter.close(); // the hub drains or fences while the lease workflow is unreachable
    reject(new Error('lease workflow unreachable'));
    await waitUntil('attach released', () => attach.settled, 2_000);
  });
});

describe('LeaseGuard.check', () => {
  const heartbeatTimeoutMs = 12_000;
  const marginMs = 3_000;

  /** `base`: the guard's clock at its start (a real clock would let a slow start move its deadline). */
  function guardWith(readings: Array<LeaseReading | Error>, base: number) {
    const fences: string[] = [];
    let reads = 0;
    const guard = new LeaseGuard(
      async () => {
        const next = readings[Math.min(reads++, readings.length - 1)]!;
        if (next instanceof Error) throw next;
        return next;
      },
      heartbeatTimeoutMs,
      (reason) => fences.push(reason),
      marginMs,
      1_000,
      () => base,
    );
    return { guard, fences, reads: () => reads };
  }

  it('does not fence while the readings are fresh', async () => {
    const base = Date.now();
    const beats = [0, 4_000, 8_000, 12_000, 16_000, 20_000].map((t) => ({
      running: true,
      lastBeatAt: base + t,
    }));
    const { guard, fences } = guardWith(beats, base);
    for (const t of [1_000, 5_000, 9_000, 13_000, 17_000, 21_000]) await guard.check(() => base + t);
    assert.deepEqual(fences, []);
  });

  it('fences once the last recorded beat + heartbeatTimeout - margin has passed', async () => {
    const base = Date.now();
    const { guard, fences } = guardWith([{ running: true, lastBeatAt: base + 1_000 }], base);
    await guard.check(() => base + 1_000 + heartbeatTimeoutMs - marginMs); // exactly at the deadline
    assert.deepEqual(fences, []);
    await guard.check(() => base + 1_000 + heartbeatTimeoutMs - marginMs + 1);
    assert.equal(fences.length, 1);
    assert.match(fences[0]!, /heartbeat/);
  });

  it('a later beat extends the lease; an older reading never shortens it', async () => {
    const base = Date.now();
    const { guard, fences } = guardWith(
      [
        { running: true, lastBeatAt: base + 5_000 },
        { running: true, lastBeatAt: base }, // out of date (a lagging replica)
      ],
      base,
    );
    await guard.check(() => base + 5_000);
    await guard.check(() => base + 13_000); // past base + 9 s, within base + 5 s + 9 s
    assert.deepEqual(fences, []);
    await guard.check(() => base + 14_001);
    assert.equal(fences.length, 1);
  });

  it('fences when the lease workflow is not running', async () => {
    const base = Date.now();
    const { guard, fences } = guardWith([{ running: false, lastBeatAt: base }], base);
    await guard.check(() => base);
    assert.deepEqual(fences, ['the hub lease workflow is no longer running']);
  });

  it('between leases (lastBeatAt undefined) does not fence', async () => {
    const base = Date.now();
    const { guard, fences } = guardWith(
      [
        { running: true, lastBeatAt: base },
        { running: true, lastBeatAt: undefined },
      ],
      base,
    );
    await guard.check(() => base);
    // Long after the last beat, but no lease activity is running: nothing on the server can re-home.
    await guard.check(() => base + 60_000);
    assert.deepEqual(fences, []);
  });

  it('a failed reading keeps the last known deadline: fences only once it has passed', async () => {
    const base = Date.now();
    const { guard, fences } = guardWith(
      [{ running: true, lastBeatAt: base }, new Error('deadline exceeded')],
      base,
    );
    await guard.check(() => base);
    await guard.check(() => base + heartbeatTimeoutMs - marginMs - 500);
    assert.deepEqual(fences, []);
    await guard.check(() => base + heartbeatTimeoutMs - marginMs + 1);
    assert.equal(fences.length, 1);
  });

  it('a reading that hangs does not hold the deadline back', async () => {
    const base = Date.now();
    const fences: string[] = [];
    let hang!: () => void;
    const guard = new LeaseGuard(
      () =>
        new Promise<LeaseReading>((resolve) => (hang = () => resolve({ running: true, lastBeatAt: base }))),
      heartbeatTimeoutMs,
      (reason) => fences.push(reason),
      marginMs,
      1_000,
      () => base,
    );
    const first = guard.check(() => base + 20_000);
    await guard.check(() => base + 1_000); // the first read still runs: no second read, deadline not passed
    assert.deepEqual(fences, []);
    await guard.check(() => base + 20_000);
    assert.equal(fences.length, 1, 'fenced without waiting for the hanging read');
    hang();
    await first;
  });
});
