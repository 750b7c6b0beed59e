// Send lane: customer → agent. The outbox, in order, one request at a time; each item keeps its
// outbound stamp across retries so the vendor drops a repeat.
import { ActivityFailure, condition, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { SendToVendorInput } from '../activities/send-to-vendor';
import { describeFailure } from './describe-failure';
import { sendFailureOutcome } from './session-decisions';
import type { SessionRuntime } from './session-runtime';

const sendRetryPauseMs = 5_000;
/** How long a send that met a failed credential waits for the `handover` signal before trying again. */
const handoverSignalWaitMs = 10_000;

/**
 * How long a send for a `sendWhereHeld` vendor waits for a hub to hold the connection before any worker
 * sends it with the recorded credentials (which then may be stale): a dead hub's sessions are re-homed
 * in seconds, a Temporal outage takes longer. Two minutes is Huawei's silence limit.
 */
const heldWaitMs = 120_000;

/**
 * On the worker whose hub holds the connection, for a vendor whose profile asks for it (its connection
 * knows credentials the session has not recorded). While no hub holds it (a handover, a re-attach after
 * a worker died) the send waits for one, up to `heldWaitMs`; a hub that does not pick the send up is
 * gone, and the session attaches elsewhere meanwhile. Only then does any worker send it, with the
 * recorded credentials.
 */
async function sendWhereHeld(rt: SessionRuntime, input: SendToVendorInput) {
  const core = rt.core;
  if (core.state.profile?.sendWhereHeld) {
    const deadline = Date.now() + heldWaitMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await condition(() => core.sendHub !== null || !core.canSend, left))) break;
      const hub = core.sendHub;
      if (!hub) return notSentYet; // a handover began or the session ended: the lane goes round
      try {
        return await rt.acts.sendOnHub(hub.hubTaskQueue).sendToVendor(input);
      } catch (err) {
        const notPickedUp =
          err instanceof ActivityFailure &&
          err.cause instanceof TimeoutFailure &&
          err.cause.timeoutType === 'SCHEDULE_TO_START';
        if (!notPickedUp) throw err;
        await condition(() => core.sendHub?.hubTaskQueue !== hub.hubTaskQueue || !core.canSend, left);
      }
    }
  }
  return rt.acts.send.sendToVendor(input);
}

/** A send that did not go out because the session stopped being able to send while it waited. */
const notSentYet = Symbol('notSentYet');

export async function sendLane(rt: SessionRuntime): Promise<void> {
  const core = rt.core;
  // Items whose last send failed: the failed request may still have reached the vendor.
  const failedBefore = new Set<string>();
  for (;;) {
    // Runs until the chat ends; a continue-as-new drain simply abandons it while it waits here.
    await condition(() => core.ended || core.canSend);
    if (!core.canSend) return;
    const next = core.nextToSend()!;
    const kind = next.item.command.kind;
    const stamp = failedBefore.has(next.item.id) ? { ...next.stamp, mayRepeat: true } : next.stamp;
    try {
      const input: SendToVendorInput = {
        provider: rt.provider,
        credentials: next.credentials,
        command: next.item.command,
        stamp,
        generation: next.generation,
      };
      const outcome =
        kind === 'file' ? await rt.acts.sendFile.sendToVendor(input) : await sendWhereHeld(rt, input);
      if (outcome === notSentYet) continue;
      failedBefore.delete(next.item.id);
      // The end is recorded after the hub let go, so no agent event it still names can follow it.
      if (kind === 'end') await rt.releaseConnection();
      core.sendAccepted(next.item.id, rt.now());
      // The vendor's reply named new credentials (a GMS alias change): a handover from them.
      if (outcome?.credentials) rt.startHandover(next.generation, outcome.credentials);
    } catch (err) {
      failedBefore.add(next.item.id);
      const failure = describeFailure(err);
      switch (sendFailureOutcome(failure.type, kind)) {
        case 'rejected':
          core.sendRejected(next.item.id, failure.message);
          break;
        case 'rejectedChatEnded':
          core.sendRejected(next.item.id, 'the chat has ended', true);
          break;
        case 'alreadyEnded':
          await rt.releaseConnection();
          core.sendAccepted(next.item.id, rt.now());
          break;
        case 'pauseAndRetry':
          await sleep(sendRetryPauseMs);
          break;
        case 'awaitHandover':
          await condition(
            () => core.reconnecting || core.ended || core.state.generation !== next.generation,
            handoverSignalWaitMs,
          );
          break;
        case 'vendorFailure':
          rt.onVendorFailure(err, next.generation);
      }
    }
    rt.searchAttributes.sync();
  }
}
