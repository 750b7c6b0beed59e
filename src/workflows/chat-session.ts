// The chat session workflow: handlers and four lanes wired to SessionCore, which holds the rules.
//   connection lane  agent → bridge: a worker's connection hub holds the vendor connection and signals
//                    each batch (`vendorEvents`); the lane only (re)attaches when no hub holds it
//   send lane        customer → agent: the outbox, in order, one request at a time
//   handover lane    the `handover` signal → reconnect → attach again
//   delivery lane    what the hub could not deliver → channel webhook, in order, retried with backoff
// docs/session-core.md describes the design and walks through the failure cases.
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SessionResult, StartSessionInput } from '../shared/session-types';
import { FailureType } from '../shared/failure-types';
import { webhookUrlShapeProblem } from '../shared/webhook-url';
import { connectionLane } from './connection-lane';
import { deliveryLane } from './delivery-lane';
import { describeFailure } from './describe-failure';
import { handoverLane } from './handover-lane';
import { SearchAttributeSync } from './search-attribute-sync';
import { sendLane } from './send-lane';
import { sessionActivities } from './session-activities';
import { SessionCore, type SessionCoreState } from './session-core';
import { installSessionHandlers } from './session-handlers';
import { SessionRuntime } from './session-runtime';

export async function chatSession(
  input: StartSessionInput,
  resume?: SessionCoreState,
): Promise<SessionResult> {
  // A cancel request (Web UI, `temporal workflow cancel`) ends the chat the way endChat does: ChatEnd to
  // the vendor, chatEnded to the channel, then the run ends as cancelled. The lanes run shielded from
  // the cancellation, or every activity and timer they hold would fail at once and nothing would end.
  const cancel = { requested: false };
  CancellationScope.current().cancelRequested.catch(() => {
    cancel.requested = true;
  });
  return CancellationScope.nonCancellable(() => runSession(input, resume, cancel));
}

/**
 * An agent presence: one agent's sign-in held like a chat (docs/agent-presence.md). The same rules and
 * lanes; a continue-as-new keeps this type.
 */
export async function agentPresence(
  input: StartSessionInput,
  resume?: SessionCoreState,
): Promise<SessionResult> {
  return chatSession(input, resume);
}

async function runSession(
  input: StartSessionInput,
  resume: SessionCoreState | undefined,
  cancel: { requested: boolean },
): Promise<SessionResult> {
  // The uid in every event id is the first run's id: unique per chat, kept across continue-as-new, and
  // not drawn from the workflow's random stream, which tracing interceptors also draw from (a worker
  // with tracing and one without must replay the same uid).
  const info = workflowInfo();
  const core = resume ? SessionCore.resume(resume) : SessionCore.create(input, info.firstExecutionRunId);
  // An operator's reset starts a run whose id differs from the one its start event recorded.
  if (info.runId !== info.originalExecutionRunId) core.resetTo(info.runId);
  const rt = new SessionRuntime(
    core,
    sessionActivities(core.tuning),
    new SearchAttributeSync(core, upsertSearchAttributes, setCurrentDetails),
    workflowInfo().workflowId,
    cancel,
  );
  installSessionHandlers(rt);

  const urlProblem = input.webhookUrl === undefined ? null : webhookUrlShapeProblem(input.webhookUrl);
  if (urlProblem && !core.hasVendorSession) {
    // Started without the client helper: no vendor session is opened for a chat that could never deliver.
    core.refuseWebhook();
    core.fail(FailureType.invalidInput, `webhookUrl ${urlProblem}`, rt.now());
  } else if (!core.hasVendorSession) {
    try {
      core.sessionOpened(
        await rt.acts.open.openSession({
          provider: rt.provider,
          customerId: input.customerId,
          visitorName: input.visitorName,
          providerOptions: input.providerOptions ?? {},
        }),
      );
    } catch (err) {
      const failure = describeFailure(err);
      core.fail(failure.type, failure.message, rt.now());
    }
  }
  rt.searchAttributes.sync();

  const vendorLanes = Promise.all([sendLane(rt), handoverLane(rt), endOnCancel(rt)]);
  let connectionAndDelivery = Promise.all([connectionLane(rt), deliveryLane(rt)]);
  for (;;) {
    // Never drain mid-handover: the transcript replay is still to come.
    await condition(
      () =>
        core.ended ||
        (shouldContinueAsNew(core.tuning.continueAsNewAfterEvents) &&
          !cancel.requested &&
          !core.reconnecting &&
          !core.awaitingTranscript),
    );
    if (core.ended) break;
    // Drain for continue-as-new while the hub keeps the vendor connection (it signals the next run just
    // the same): let sends finish, stop attaching and delivering, release pull consumers and hand over.
    await condition(() => core.ended || cancel.requested || rt.quiet);
    if (core.ended) break;
    if (!cancel.requested) {
      rt.stopping = true;
      rt.deliveryScope?.cancel();
      await connectionAndDelivery;
      // A send that slipped in meanwhile finishes; a failover needs the connection lane back.
      await condition(() => rt.quiet || core.reconnecting || core.ended || cancel.requested);
      if (rt.quiet && !core.ended && !cancel.requested) {
        rt.releasePullers = true;
        // Only pull consumers should be left: anything else (a new send, the end, a cancel) goes back
        // to the running session, every lane and all.
        await condition(() => allHandlersFinished() || !rt.quiet || core.ended || cancel.requested);
        if (allHandlersFinished() && rt.quiet && !core.ended && !cancel.requested) {
          rt.searchAttributes.sync();
          return continueAsNew<typeof chatSession>(input, core.state);
        }
        rt.releasePullers = false;
      }
    }
    // A failover during the drain, the end of the chat or a cancel request: carry on.
    if (rt.stopping) {
      rt.stopping = false;
      connectionAndDelivery = Promise.all([connectionLane(rt), deliveryLane(rt)]);
    }
    if (cancel.requested) await condition(() => core.ended);
  }
  rt.attachScope?.cancel();
  await Promise.all([vendorLanes, connectionAndDelivery]);
  // The vendor session is over: whatever a hub still holds would only meet a refusal.
  await rt.releaseConnection();
  await condition(allHandlersFinished);
  // What the webhook has not taken moves to its own workflow: the business key is free for the next chat.
  const undelivered = await rt.handOffDeliveries();
  rt.searchAttributes.sync();
  const failure = core.state.failure;
  if (failure) {
    throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
  }
  if (cancel.requested && core.state.endReason === 'client') {
    throw new CancelledFailure('the chat was ended because the workflow was cancelled');
  }
  return { ...core.result(), ...(undelivered ? { undelivered } : {}) };
}

/** A cancel request ends the chat; if the vendor refuses ChatEnd, the bridge ends it on its side. */
async function endOnCancel(rt: SessionRuntime): Promise<void> {
  await condition(() => rt.cancel.requested || rt.core.ended);
  if (rt.core.ended) return;
  log.info('workflow cancellation requested: ending the chat');
  await rt.endTheChat();
  if (!rt.core.ended) rt.core.endFromVendor('client', rt.now(), 'ended by workflow cancellation');
}

function shouldContinueAsNew(afterEvents: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= afterEvents;
}
