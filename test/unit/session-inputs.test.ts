// Inputs the session takes from outside: signal payloads checked in the sandbox, tuning floors the
// client enforces, and the poll's heartbeat cadence derived from whatever timeout it was given.
import assert from 'node:assert/strict';
import { heartbeatIntervalFor } from '../../src/activities/poll-vendor';
import { sessionTuningSchema } from '../../src/client/input-schemas';
import { tuningFloors } from '../../src/shared/session-types';
import { validateHandover } from '../../src/workflows/validate-input';

describe('session inputs', () => {
  it('accepts a well-formed handover signal and names what is wrong with a bad one', () => {
    assert.equal(validateHandover({ generation: 0, reason: '503' }), null);
    assert.equal(validateHandover({ generation: 3 }), null);
    assert.match(validateHandover(null) ?? '', /expects an object/);
    assert.match(validateHandover([]) ?? '', /expects an object/);
    assert.match(validateHandover({ generation: -1 }) ?? '', /generation must be an integer >= 0/);
    assert.match(validateHandover({ generation: 1.5 }) ?? '', /generation/);
    assert.match(validateHandover({ generation: 1, reason: 7 }) ?? '', /reason must be a string/);
  });

  it('refuses tuning below the floors the workflow needs', () => {
    const below = {
      pollHeartbeatTimeoutMs: tuningFloors.pollHeartbeatTimeoutMs - 1,
      deliveryMaxBackoffMs: tuningFloors.deliveryMaxBackoffMs - 1,
    };
    const parsed = sessionTuningSchema.safeParse(below);
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues.map((i) => i.path.join('.')).sort(), [
      'deliveryMaxBackoffMs',
      'pollHeartbeatTimeoutMs',
    ]);
    assert.equal(sessionTuningSchema.safeParse({ ...tuningFloors }).success, true);
  });

  it('heartbeats a poll at a third of its heartbeat timeout, at most every 2 s', () => {
    assert.equal(heartbeatIntervalFor(undefined), 2_000);
    assert.equal(heartbeatIntervalFor(10_000), 2_000);
    assert.equal(heartbeatIntervalFor(3_000), 1_000);
    assert.equal(heartbeatIntervalFor(1_000), 333);
    assert.equal(heartbeatIntervalFor(90), 100);
  });
});
