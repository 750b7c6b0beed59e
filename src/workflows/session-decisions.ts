// Pure decisions the session's lanes make about vendor failures and retries: plain functions of typed
// failure names and numbers, unit-tested without a server (test/unit/session-decisions.test.ts).
import { FailureType } from '../shared/failure-types';
import type { OutboundCommand } from '../shared/session-types';

export type VendorFailureOutcome =
  | { kind: 'handover' }
  | { kind: 'end'; reason: 'vendorSessionExpired' | 'vendorConflict' }
  | { kind: 'fail' };

/** What a vendor failure on the send or reconnect path means for the session. */
export function vendorFailureOutcome(type: string): VendorFailureOutcome {
  switch (type) {
    case FailureType.handoverRequired:
      return { kind: 'handover' };
    case FailureType.sessionGone:
      return { kind: 'end', reason: 'vendorSessionExpired' };
    case FailureType.connectionConflict:
      return { kind: 'end', reason: 'vendorConflict' };
    default:
      return { kind: 'fail' };
  }
}

export type SendFailureOutcome =
  /** The vendor refused this item: its caller gets the refusal, the outbox moves on. */
  | 'rejected'
  /** The vendor says the chat ended: the caller hears so; the end itself arrives through the connection. */
  | 'rejectedChatEnded'
  /** A ChatEnd the vendor answers with "no such session": the chat is over anyway. */
  | 'alreadyEnded'
  /** Retries ran out on a transient failure: keep the item and its stamp, try again after a pause. */
  | 'pauseAndRetry'
  /** The credential failed: the send activity signalled `handover`; the item waits for it. */
  | 'awaitHandover'
  /** Anything else ends or fails the session (see vendorFailureOutcome). */
  | 'vendorFailure';

export function sendFailureOutcome(type: string, command: OutboundCommand['kind']): SendFailureOutcome {
  if (type === FailureType.chatEndedAtVendor) return command === 'end' ? 'alreadyEnded' : 'rejectedChatEnded';
  if (type === FailureType.requestRejected) return 'rejected';
  if (type === FailureType.handoverRequired) return 'awaitHandover';
  // A file is fetched from the caller's URL and uploaded: whatever else stops it (a timeout, an outage
  // past the retries) refuses that file; it must not hold the chat's later messages, nor end the chat.
  if (command === 'file') return 'rejected';
  if (type === FailureType.sessionGone && command === 'end') return 'alreadyEnded';
  if (type === FailureType.vendorUnavailable) return 'pauseAndRetry';
  return 'vendorFailure';
}

/** A failed reconnect that leaves the session reconnecting (the vendor is failing over or down). */
export function reconnectFailureIsTransient(type: string): boolean {
  return (
    type === FailureType.vendorUnavailable ||
    type === FailureType.handoverRequired ||
    type === FailureType.credentialsRefused
  );
}

/** Pause before reconnect attempt `failedAttempts + 1`: 1 s, 2 s, 4 s … capped. */
export function reconnectBackoffMs(failedAttempts: number, capMs = 15_000): number {
  return Math.min(capMs, 1_000 * 2 ** Math.max(0, failedAttempts - 1));
}

/** True once reconnects have failed for `giveUpMs`: no vendor session outlives that without a connection. */
export function reconnectGivesUp(
  failedAttempts: number,
  failingSinceMs: number,
  nowMs: number,
  giveUpMs: number,
): boolean {
  return failedAttempts > 0 && nowMs - failingSinceMs >= giveUpMs;
}
