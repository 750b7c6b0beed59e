// Handover lane: the `handover` signal → reconnect (with backoff through a failover) → the connection
// lane attaches again; buffered messages wait for the vendor's transcript replay where it sends one.
import { condition, patched, sleep } from '@temporalio/workflow';
import { FailureType } from '../shared/failure-types';
import { describeFailure } from './describe-failure';
import { reconnectBackoffMs, reconnectFailureIsTransient, reconnectGivesUp } from './session-decisions';
import type { SessionRuntime } from './session-runtime';

/** Longest wait for the vendor's transcript replay after a reconnect before buffered messages are resent. */
const transcriptWaitMs = 30_000;
/**
 * Since 2026-12-03 the vendor's "replay processed" request (Live Agent ChasitorResyncState) is a send
 * queued after the transcript replay, no longer part of the reconnect activity. Histories from before
 * replay the old way.
 */
const confirmReplayAfterTranscript = 'confirm-replay-after-transcript';
/**
 * Since 2026-12-03 a reconnect whose credentials the vendor keeps refusing (GMS 8201 on the session's
 * newest credentials) ends the chat after a few attempts instead of at `reconnectGiveUpMs`.
 */
const endAfterRefusedReconnects = 'end-after-refused-reconnects';
/** Reconnects answered "hand over" in a row before the session is taken as gone. */
const refusedReconnectsLimit = 3;
/**
 * Since 2026-12-03 a reconnect that returns after the session ended (its end was accepted meanwhile)
 * changes nothing; before, it put the ended session back to its status before the handover.
 */
const noReconnectAfterEnd = 'no-reconnect-after-end';

export async function handoverLane(rt: SessionRuntime): Promise<void> {
  const core = rt.core;
  let failedAttempts = 0;
  let failingSince = 0;
  let refusedInARow = 0;
  for (;;) {
    await condition(() => core.reconnecting || core.ended);
    if (!core.reconnecting) return;
    const giveUpMs = core.tuning.reconnectGiveUpMs;
    if (reconnectGivesUp(failedAttempts, failingSince, Date.now(), giveUpMs)) {
      core.endFromVendor(
        'vendorSessionExpired',
        rt.now(),
        `the vendor could not be reached to reconnect for ${Math.round(giveUpMs / 1000)} s`,
      );
      return;
    }
    if (failedAttempts === 0) failingSince = Date.now(); // the clock starts with the first attempt
    const { credentials, cursor, generation } = core.state;
    try {
      const reconnected = await rt.acts.reconnect.reconnectSession({
        provider: rt.provider,
        credentials: credentials!,
        cursor: cursor!,
        ...(patched(confirmReplayAfterTranscript) ? { confirmReplayLater: true } : {}),
        ...(core.endRequested ? { endRequested: true } : {}),
      });
      if (core.ended && patched(noReconnectAfterEnd)) return;
      core.reconnected(reconnected, rt.now());
      failedAttempts = 0;
      refusedInARow = 0;
    } catch (err) {
      // A failover or an outage leaves the session reconnecting (a gone session or a hard failure
      // ends it): try again with backoff until the vendor answers or expires the session.
      const failure = describeFailure(err);
      const type = failure.type;
      if (!reconnectFailureIsTransient(type)) rt.onVendorFailure(err, generation);
      refusedInARow = type === FailureType.credentialsRefused ? refusedInARow + 1 : 0;
      // The credentials a send or the hub learned meanwhile get their attempts; then the chat is gone.
      if (
        refusedInARow >= refusedReconnectsLimit &&
        core.reconnecting &&
        patched(endAfterRefusedReconnects)
      ) {
        core.endFromVendor(
          'vendorSessionExpired',
          rt.now(),
          `the vendor refused the session's newest credentials ${refusedInARow} times: ${failure.message}`,
        );
        return;
      }
      if (core.reconnecting) {
        failedAttempts += 1;
        await sleep(reconnectBackoffMs(failedAttempts));
      }
      rt.searchAttributes.sync();
      continue;
    }
    rt.searchAttributes.sync();
    // Sending resumes once the hub brings the vendor's transcript replay, or after a bounded wait; a new
    // failover meanwhile starts the next reconnect at once.
    if (
      core.awaitingTranscript &&
      !(await condition(() => !core.awaitingTranscript || core.reconnecting || core.ended, transcriptWaitMs))
    ) {
      core.transcriptWaitExpired(rt.now());
    }
  }
}
