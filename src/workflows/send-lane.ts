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

/** On the hub holding the connection when the profile asks for it; on any worker if that one is gone. */
async function sendWhereHeld(rt: SessionRuntime, input: SendToVendorInput) {
  const hub = rt.core.sendHub;
  if (hub) {
    try {
      return await rt.acts.sendOnHub(hub.hubTaskQueue).sendToVendor(input);
    } catch (err) {
      const notPickedUp =
        err instanceof ActivityFailure &&
        err.cause instanceof TimeoutFailure &&
        err.cause.timeoutType === 'SCHEDULE_TO_START';
      if (!notPickedUp) throw err;
    }
  }
  return rt.acts.send.sendToVendor(input);
}

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
