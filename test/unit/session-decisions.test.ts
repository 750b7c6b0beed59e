// The pure decisions the session's lanes make: what a vendor failure means, what a failed send does,
// and how reconnects back off and give up.
import assert from 'node:assert/strict';
import { FailureType } from '../../src/shared/failure-types';
import {
  reconnectBackoffMs,
  reconnectFailureIsTransient,
  reconnectGivesUp,
  sendFailureOutcome,
  vendorFailureOutcome,
} from '../../src/workflows/session-decisions';

describe('session decisions', () => {
  it('maps a vendor failure to a handover, an end with its reason, or a failure', () => {
    assert.deepEqual(vendorFailureOutcome(FailureType.handoverRequired), { kind: 'handover' });
    assert.deepEqual(vendorFailureOutcome(FailureType.sessionGone), {
      kind: 'end',
      reason: 'vendorSessionExpired',
    });
    assert.deepEqual(vendorFailureOutcome(FailureType.connectionConflict), {
      kind: 'end',
      reason: 'vendorConflict',
    });
    assert.deepEqual(vendorFailureOutcome(FailureType.malformedResponse), { kind: 'fail' });
    assert.deepEqual(vendorFailureOutcome('SomethingElse'), { kind: 'fail' });
  });

  it('classifies a failed send by its failure type and command', () => {
    assert.equal(sendFailureOutcome(FailureType.requestRejected, 'message'), 'rejected');
    assert.equal(sendFailureOutcome(FailureType.sessionGone, 'end'), 'alreadyEnded');
    assert.equal(sendFailureOutcome(FailureType.sessionGone, 'message'), 'vendorFailure');
    assert.equal(sendFailureOutcome(FailureType.vendorUnavailable, 'message'), 'pauseAndRetry');
    assert.equal(sendFailureOutcome(FailureType.handoverRequired, 'typing'), 'awaitHandover');
    assert.equal(sendFailureOutcome(FailureType.malformedResponse, 'message'), 'vendorFailure');
  });

  it('a chat the vendor has just ended refuses the item as ended (its end arrives through the connection)', () => {
    assert.equal(sendFailureOutcome(FailureType.chatEndedAtVendor, 'message'), 'rejectedChatEnded');
    assert.equal(sendFailureOutcome(FailureType.chatEndedAtVendor, 'file'), 'rejectedChatEnded');
    assert.equal(sendFailureOutcome(FailureType.chatEndedAtVendor, 'end'), 'alreadyEnded');
  });

  it('a file that cannot be sent (a timeout, an outage past its retries) is refused; the chat goes on', () => {
    assert.equal(sendFailureOutcome('ActivityTimeout:START_TO_CLOSE', 'file'), 'rejected');
    assert.equal(sendFailureOutcome(FailureType.vendorUnavailable, 'file'), 'rejected');
    assert.equal(sendFailureOutcome(FailureType.handoverRequired, 'file'), 'awaitHandover');
    assert.equal(sendFailureOutcome('ActivityTimeout:START_TO_CLOSE', 'message'), 'vendorFailure');
  });

  it('keeps reconnecting through a failover or an outage, not through a gone session', () => {
    assert.equal(reconnectFailureIsTransient(FailureType.vendorUnavailable), true);
    assert.equal(reconnectFailureIsTransient(FailureType.credentialsRefused), true);
    assert.equal(reconnectFailureIsTransient(FailureType.handoverRequired), true);
    assert.equal(reconnectFailureIsTransient(FailureType.sessionGone), false);
    assert.equal(reconnectFailureIsTransient(FailureType.malformedResponse), false);
  });

  it('backs off 1 s, 2 s, 4 s … up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 10].map((n) => reconnectBackoffMs(n)),
      [1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000],
    );
    assert.equal(reconnectBackoffMs(3, 3_000), 3_000);
  });

  it('gives up only after failures lasting the give-up time', () => {
    assert.equal(reconnectGivesUp(0, 0, 10_000_000, 300_000), false, 'no failure yet');
    assert.equal(reconnectGivesUp(3, 1_000, 300_999, 300_000), false);
    assert.equal(reconnectGivesUp(3, 1_000, 301_000, 300_000), true);
  });
});
