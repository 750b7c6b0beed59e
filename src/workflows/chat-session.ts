// The chat session workflow: handlers and four lanes wired to SessionCore, which holds the rules.
//   poll lane      agent → bridge: one long-poll activity at a time, never two
//   send lane      customer → agent: the outbox, in order, one request at a time
//   handover lane  a failed credential (503) → reconnect → resume the other lanes
//   delivery lane  bridge → channel webhook, in order, retried without ever blocking the poll lane
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  customerActivitySignal,
  endChatUpdate,
  handoverSignal,
  sendMessageUpdate,
  stateQuery,
  transcriptQuery,
  waitForEventsUpdate,
} from '../shared/definitions';
import { FailureType } from '../shared/failure-types';
import type { SessionResult, StartSessionInput } from '../shared/session-types';
import { describeFailure } from './describe-failure';
import { sessionActivities } from './session-activities';
import { SessionCore, type SessionCoreState } from './session-core';
import { SearchAttributeSync } from './search-attribute-sync';
import { validateCustomerActivity, validateHandover, validateWaitForEvents } from './validate-input';

const deliveryBatchSize = 25;
const sendRetryPauseMs = 5_000;
/** Longest wait for the vendor's transcript replay after a reconnect before buffered messages are resent. */
const transcriptWaitMs = 30_000;
/** Ceiling of the pause between reconnect attempts while the vendor is failing over. */
const reconnectBackoffMaxMs = 15_000;

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

async function runSession(
  input: StartSessionInput,
  resume: SessionCoreState | undefined,
  cancel: { requested: boolean },
): Promise<SessionResult> {
  // The uid in every event id is the first run's id: unique per chat, kept across continue-as-new, and
  // not drawn from the workflow's random stream, which tracing interceptors also draw from (a worker
  // with tracing and one without must replay the same uid).
  const core = resume
    ? SessionCore.resume(resume)
    : SessionCore.create(input, workflowInfo().firstExecutionRunId);
  const acts = sessionActivities(core.tuning);
  const searchAttributes = new SearchAttributeSync(core, upsertSearchAttributes, setCurrentDetails);
  const now = () => new Date().toISOString();
  const provider = core.state.provider;

  /** Set at the moment of continue-as-new: waitForEvents callers return, to ask the next run again. */
  let releasePullers = false;
  /** Set once the poll and delivery lanes are to stop for continue-as-new. */
  let stopping = false;
  let pollScope: CancellationScope | undefined;
  let deliveryScope: CancellationScope | undefined;

  const startHandover = (generation: number) => {
    if (!core.requestHandover(generation)) return;
    // Cancel the long poll (a batch it may still return stays unacked, so the vendor sends it again).
    // An in-flight send is left to finish: with the old affinity it was either applied (accepted) or
    // answered 503 (resent once after the reconnect). Cancelling it would lose that outcome and could
    // send an applied message a second time.
    pollScope?.cancel();
    searchAttributes.sync();
  };

  /** A vendor failure from the poll, send or reconnect path: decide what it means for the session. */
  const onVendorFailure = (err: unknown, generation: number) => {
    const failure = describeFailure(err);
    switch (failure.type) {
      case FailureType.handoverRequired:
        return startHandover(generation);
      case FailureType.sessionGone:
        return core.endFromVendor('vendorSessionExpired', now(), failure.message);
      case FailureType.connectionConflict:
        return core.endFromVendor('vendorConflict', now(), failure.message);
      default:
        log.error('session cannot continue', { type: failure.type, message: failure.message });
        return core.fail(failure.type, failure.message, now());
    }
  };

  // ---- handlers ----

  /** sendMessage and endChat callers waiting on the vendor: continue-as-new waits for them. */
  let waitingCallers = 0;
  /** Handlers run shielded from a cancel request too: it ends the chat, and callers get its outcome. */
  const shielded = <T>(fn: () => Promise<T>, caller: boolean): Promise<T> =>
    CancellationScope.nonCancellable(async () => {
      if (caller) waitingCallers += 1;
      try {
        return await fn();
      } finally {
        if (caller) waitingCallers -= 1;
      }
    });

  setHandler(
    sendMessageUpdate,
    ({ clientMessageId, text }) =>
      shielded(async () => {
        const queued = core.enqueue({ kind: 'message', text }, clientMessageId, now());
        if (queued.kind === 'refused') throw typedError(FailureType.sessionEnded, queued.reason);
        await condition(() => core.outcomeOf(clientMessageId) !== undefined);
        const outcome = core.outcomeOf(clientMessageId)!;
        if (outcome.kind === 'rejected') throw typedError(FailureType.requestRejected, outcome.reason);
        return { ...outcome.result, duplicate: queued.kind === 'known' };
      }, true),
    {
      validator: (message) => {
        const reason = core.checkSendMessage(message);
        if (reason) {
          throw typedError(core.ended ? FailureType.sessionEnded : FailureType.invalidInput, reason);
        }
      },
    },
  );

  /**
   * Queues the ChatEnd, or joins the one already queued (concurrent callers share it and its outcome),
   * and waits until the vendor answered or the chat ended. Returns the vendor's refusal, if any.
   */
  const endTheChat = async (): Promise<string | undefined> => {
    if (core.ended) return undefined;
    const queued = core.requestEnd(now());
    if (queued.kind === 'refused') return undefined;
    await condition(() => core.outcomeOf(queued.id) !== undefined || core.ended);
    const outcome = core.outcomeOf(queued.id);
    return !core.ended && outcome?.kind === 'rejected' ? outcome.reason : undefined;
  };

  setHandler(endChatUpdate, () =>
    shielded(async () => {
      const refusal = await endTheChat();
      if (refusal !== undefined) throw typedError(FailureType.requestRejected, refusal);
      return { endedAt: now() };
    }, true),
  );

  setHandler(customerActivitySignal, (activity) => {
    const reason = validateCustomerActivity(activity);
    if (reason) return log.warn('ignored an invalid customerActivity signal', { reason });
    core.enqueue(activity, null, now());
  });

  setHandler(handoverSignal, (handover) => {
    const reason = validateHandover(handover);
    if (reason) return log.warn('ignored an invalid handover signal', { reason });
    startHandover(handover.generation);
  });

  setHandler(
    waitForEventsUpdate,
    ({ afterIndex, timeoutMs }) =>
      shielded(async () => {
        await condition(
          () => core.hasEventsAfter(afterIndex) || core.ended || releasePullers,
          timeoutMs ?? 60_000,
        );
        return core.eventsAfter(afterIndex);
      }, false),
    {
      validator: (request) => {
        const reason = validateWaitForEvents(request);
        if (reason) throw typedError(FailureType.invalidInput, reason);
      },
    },
  );

  setHandler(stateQuery, () => core.view());
  setHandler(transcriptQuery, () => core.state.transcript);

  // ---- lanes ----

  const pollLane = async () => {
    while (!core.ended && !stopping) {
      await condition(() => !core.reconnecting || core.ended || stopping);
      if (core.ended || stopping) break;
      const { generation, credentials, cursor } = core.state;
      const scope = new CancellationScope();
      pollScope = scope;
      try {
        const batch = await scope.run(() =>
          acts.poll.pollVendor({
            provider,
            credentials: credentials!,
            cursor: cursor!,
            generation,
            maxWaitMs: core.tuning.pollActivityMaxMs,
          }),
        );
        if (core.ingest(batch, now()).length > 0) searchAttributes.sync();
      } catch (err) {
        if (core.ended || stopping || isCancellation(err)) continue;
        onVendorFailure(err, generation);
      } finally {
        pollScope = undefined;
      }
    }
  };

  const sendLane = async () => {
    for (;;) {
      // Runs until the chat ends; a continue-as-new drain simply abandons it while it waits here.
      await condition(() => core.ended || core.canSend);
      if (!core.canSend) return;
      const next = core.nextToSend()!;
      try {
        await acts.send.sendToVendor({
          provider,
          credentials: next.credentials,
          command: next.item.command,
          sequence: next.sequence,
          generation: next.generation,
        });
        core.sendAccepted(next.item.id, now());
      } catch (err) {
        const failure = describeFailure(err);
        if (failure.type === FailureType.requestRejected) core.sendRejected(next.item.id, failure.message);
        else if (failure.type === FailureType.sessionGone && next.item.command.kind === 'end') {
          core.sendAccepted(next.item.id, now()); // ChatEnd after the vendor ended it: already ended
        } else if (failure.type === FailureType.vendorUnavailable) {
          await sleep(sendRetryPauseMs); // retries exhausted: keep the item and its sequence, try again
        } else onVendorFailure(err, next.generation); // a 503 starts the handover; the item waits for it
      }
      searchAttributes.sync();
    }
  };

  const handoverLane = async () => {
    let failedAttempts = 0;
    let failingSince = 0;
    for (;;) {
      await condition(() => core.reconnecting || core.ended);
      if (!core.reconnecting) return;
      const giveUpMs = core.tuning.reconnectGiveUpMs;
      if (failedAttempts > 0 && Date.now() - failingSince >= giveUpMs) {
        // No vendor session outlives this long without a poll: stop retrying and say so.
        core.endFromVendor(
          'vendorSessionExpired',
          now(),
          `the vendor could not be reached to reconnect for ${Math.round(giveUpMs / 1000)} s`,
        );
        return;
      }
      if (failedAttempts === 0) failingSince = Date.now(); // the clock starts with the first attempt
      const { credentials, cursor, generation } = core.state;
      try {
        core.reconnected(
          await acts.reconnect.reconnectSession({ provider, credentials: credentials!, cursor: cursor! }),
          now(),
        );
        failedAttempts = 0;
      } catch (err) {
        // A 503 or an outage here leaves the session reconnecting (a 403 or a hard failure ends it):
        // try again with backoff until the vendor answers or expires the session.
        if (describeFailure(err).type !== FailureType.vendorUnavailable) onVendorFailure(err, generation);
        if (core.reconnecting) {
          failedAttempts += 1;
          await sleep(Math.min(reconnectBackoffMaxMs, 1_000 * 2 ** (failedAttempts - 1)));
        }
        searchAttributes.sync();
        continue;
      }
      searchAttributes.sync();
      // Sending resumes once the poll brings the vendor's transcript replay, or after a bounded wait;
      // a new failover meanwhile starts the next reconnect at once.
      if (
        core.awaitingTranscript &&
        !(await condition(
          () => !core.awaitingTranscript || core.reconnecting || core.ended,
          transcriptWaitMs,
        ))
      ) {
        core.transcriptWaitExpired();
      }
    }
  };

  const deliveryLane = async () => {
    const webhookUrl = core.state.webhookUrl;
    if (!webhookUrl) return;
    for (;;) {
      await condition(() => core.hasPendingDeliveries || core.ended || stopping);
      if (stopping || !core.hasPendingDeliveries) return; // undelivered events travel with continue-as-new
      const scope = new CancellationScope();
      deliveryScope = scope;
      try {
        const { deliveredThrough } = await scope.run(() =>
          acts.deliver.deliverEvents({
            webhookUrl,
            sessionId: workflowInfo().workflowId,
            customerId: core.state.customerId,
            events: core.nextDeliveryBatch(deliveryBatchSize),
          }),
        );
        core.delivered(deliveredThrough);
      } catch (err) {
        if (!isCancellation(err)) throw err; // unlimited retries: only cancellation ends an attempt
      } finally {
        deliveryScope = undefined;
      }
    }
  };

  /** A cancel request ends the chat; if the vendor refuses ChatEnd, the bridge ends it on its side. */
  const endOnCancel = async () => {
    await condition(() => cancel.requested || core.ended);
    if (core.ended) return;
    log.info('workflow cancellation requested: ending the chat');
    await endTheChat();
    if (!core.ended) core.endFromVendor('client', now(), 'ended by workflow cancellation');
  };

  // ---- main ----

  if (!core.hasVendorSession) {
    try {
      core.sessionOpened(
        await acts.open.openSession({
          provider,
          customerId: input.customerId,
          visitorName: input.visitorName,
          providerOptions: input.providerOptions ?? {},
        }),
      );
    } catch (err) {
      const failure = describeFailure(err);
      core.fail(failure.type, failure.message, now());
    }
  }
  searchAttributes.sync();

  const vendorLanes = Promise.all([sendLane(), handoverLane(), endOnCancel()]);
  let pollAndDelivery = Promise.all([pollLane(), deliveryLane()]);
  /** Nothing in flight that the next run could not take over: no caller waiting on the vendor, no handover. */
  const quiet = () =>
    waitingCallers === 0 && core.outboxEmpty && !core.reconnecting && !core.awaitingTranscript;
  for (;;) {
    // Never drain mid-handover: the poll is what brings the transcript replay.
    await condition(
      () =>
        core.ended ||
        (shouldContinueAsNew(core.tuning.continueAsNewAfterEvents) &&
          !cancel.requested &&
          !core.reconnecting &&
          !core.awaitingTranscript),
    );
    if (core.ended) break;
    // Drain for continue-as-new while the poll keeps the vendor session alive: let sends finish, then
    // stop polling and delivering (both resume in the next run), release pull consumers and hand over.
    await condition(() => core.ended || cancel.requested || quiet());
    if (core.ended) break;
    if (!cancel.requested) {
      stopping = true;
      pollScope?.cancel();
      deliveryScope?.cancel();
      await pollAndDelivery;
      // A send that slipped in meanwhile finishes without the poll; a failover needs the poll back.
      await condition(() => quiet() || core.reconnecting || core.ended || cancel.requested);
      if (quiet() && !core.ended && !cancel.requested) {
        releasePullers = true;
        // Only pull consumers should be left: anything else (a new send, the end, a cancel) goes back
        // to the running session, poll and all.
        await condition(() => allHandlersFinished() || !quiet() || core.ended || cancel.requested);
        if (allHandlersFinished() && quiet() && !core.ended && !cancel.requested) {
          searchAttributes.sync();
          return continueAsNew<typeof chatSession>(input, core.state);
        }
        releasePullers = false;
      }
    }
    // A failover during the drain, the end of the chat or a cancel request: poll again and carry on.
    if (stopping) {
      stopping = false;
      pollAndDelivery = Promise.all([pollLane(), deliveryLane()]);
    }
    if (cancel.requested) await condition(() => core.ended);
  }
  pollScope?.cancel(); // the vendor session is over; its poll would only get a 403
  await Promise.all([vendorLanes, pollAndDelivery]);
  await condition(allHandlersFinished);
  searchAttributes.sync();
  const failure = core.state.failure;
  if (failure)
    throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
  if (cancel.requested && core.state.endReason === 'client') {
    throw new CancelledFailure('the chat was ended because the workflow was cancelled');
  }
  return core.result();
}

function shouldContinueAsNew(afterEvents: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= afterEvents;
}

function typedError(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
