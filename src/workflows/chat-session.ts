// The chat session workflow: handlers and four lanes wired to SessionCore, which holds the rules.
//   connection lane  agent → bridge: a worker's connection hub holds the vendor connection and signals
//                    each batch (`vendorEvents`); the lane only (re)attaches when no hub holds it
//   send lane        customer → agent: the outbox, in order, one request at a time
//   handover lane    the `handover` signal → reconnect → attach again
//   delivery lane    what the hub could not deliver → channel webhook, in order, retried with backoff
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
  connectionLostSignal,
  customerActivitySignal,
  endChatUpdate,
  handoverSignal,
  sendMessageUpdate,
  stateQuery,
  transcriptQuery,
  vendorEventsSignal,
  waitForEventsUpdate,
} from '../shared/definitions';
import { FailureType } from '../shared/failure-types';
import type { SessionResult, StartSessionInput } from '../shared/session-types';
import { describeFailure } from './describe-failure';
import { sessionActivities } from './session-activities';
import { SessionCore, type SessionCoreState } from './session-core';
import { SearchAttributeSync } from './search-attribute-sync';
import {
  validateConnectionLost,
  validateCustomerActivity,
  validateHandover,
  validateVendorEvents,
  validateWaitForEvents,
} from './validate-input';

const deliveryBatchSize = 25;
const sendRetryPauseMs = 5_000;
/** How long a send that met a failed credential waits for the `handover` signal before trying again. */
const handoverSignalWaitMs = 10_000;
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
  /** Set once the connection and delivery lanes are to stop for continue-as-new. */
  let stopping = false;
  const workflowId = workflowInfo().workflowId;
  let attachScope: CancellationScope | undefined;
  let deliveryScope: CancellationScope | undefined;

  /**
   * The one path to a handover (the `handover` signal). The hub has stopped receiving with the failed
   * credential; an in-flight send is left to finish: with the old credential it was either applied
   * (accepted) or refused (resent once after the reconnect).
   */
  const startHandover = (generation: number) => {
    if (!core.requestHandover(generation)) return;
    searchAttributes.sync();
  };

  /** A vendor failure from the send or reconnect path: decide what it means for the session. */
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

  setHandler(vendorEventsSignal, (batch) => {
    const reason = validateVendorEvents(batch);
    if (reason) return log.warn('ignored an invalid vendorEvents signal', { reason });
    if (core.acceptVendorEvents(batch)) searchAttributes.sync();
  });

  setHandler(connectionLostSignal, (lost) => {
    const reason = validateConnectionLost(lost);
    if (reason) return log.warn('ignored an invalid connectionLost signal', { reason });
    const outcome = core.connectionLost(lost, now());
    // An attach still waiting on that hub's task queue would never be picked up: attach anywhere.
    if (outcome === 'reattach' && (lost.reason === 'hubLost' || lost.reason === 'draining'))
      attachScope?.cancel();
    if (outcome !== 'ignored') searchAttributes.sync();
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

  const connectionLane = async () => {
    for (;;) {
      await condition(() => core.needsAttach || core.ended || stopping);
      if (core.ended || stopping) return;
      const input = core.attachInput(workflowId);
      const lastHub = core.state.hub;
      const scope = new CancellationScope();
      attachScope = scope;
      try {
        const result = await scope.run(() =>
          lastHub
            ? acts.onHub(lastHub.hubTaskQueue).attachConnection(input)
            : acts.attach.attachConnection(input),
        );
        core.attached(input.epoch, result);
      } catch (err) {
        core.attachFailed(input.epoch);
        if (isCancellation(err)) continue; // that hub died meanwhile: attach anywhere
        if (lastHub) {
          core.forgetHub(); // gone or shutting down: any live worker's hub takes the session
          continue;
        }
        const failure = describeFailure(err);
        core.fail(failure.type, failure.message, now());
        return;
      } finally {
        attachScope = undefined;
      }
    }
  };

  /** Lets go of the hub's connection and waits until its requests ended (best effort: it may be gone). */
  const releaseConnection = async () => {
    const held = core.releaseConnection();
    if (!held) return;
    try {
      await acts
        .onHub(held.hubTaskQueue)
        .detachConnection({ sessionWorkflowId: workflowId, epoch: held.epoch });
    } catch (err) {
      log.info('could not detach from the hub; its connection ends with the vendor session', {
        error: describeFailure(err).message,
      });
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
          stamp: next.stamp,
          generation: next.generation,
        });
        // The end is recorded after the hub let go, so no agent event it still names can follow it.
        if (next.item.command.kind === 'end') await releaseConnection();
        core.sendAccepted(next.item.id, now());
      } catch (err) {
        const failure = describeFailure(err);
        if (failure.type === FailureType.requestRejected) core.sendRejected(next.item.id, failure.message);
        else if (failure.type === FailureType.sessionGone && next.item.command.kind === 'end') {
          await releaseConnection();
          core.sendAccepted(next.item.id, now()); // ChatEnd after the vendor ended it: already ended
        } else if (failure.type === FailureType.vendorUnavailable) {
          await sleep(sendRetryPauseMs); // retries exhausted: keep the item and its stamp, try again
        } else if (failure.type === FailureType.handoverRequired) {
          // The activity signalled the handover: the item waits for it (a lost signal: try again later).
          await condition(
            () => core.reconnecting || core.ended || core.state.generation !== next.generation,
            handoverSignalWaitMs,
          );
        } else onVendorFailure(err, next.generation);
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
        // No vendor session outlives this long without a connection: stop retrying and say so.
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
        // A failover or an outage here leaves the session reconnecting (a gone session or a hard
        // failure ends it): try again with backoff until the vendor answers or expires the session.
        const type = describeFailure(err).type;
        if (type !== FailureType.vendorUnavailable && type !== FailureType.handoverRequired) {
          onVendorFailure(err, generation);
        }
        if (core.reconnecting) {
          failedAttempts += 1;
          await sleep(Math.min(reconnectBackoffMaxMs, 1_000 * 2 ** (failedAttempts - 1)));
        }
        searchAttributes.sync();
        continue;
      }
      searchAttributes.sync();
      // Sending resumes once the hub brings the vendor's transcript replay, or after a bounded wait;
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
            sessionId: workflowId,
            customerId: core.state.customerId,
            events: core.nextDeliveryBatch(deliveryBatchSize),
          }),
        );
        core.delivered(deliveredThrough);
        if (core.shouldRestoreDirectDelivery) core.restoreDirectDelivery();
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
  let connectionAndDelivery = Promise.all([connectionLane(), deliveryLane()]);
  /** Nothing in flight that the next run could not take over: no caller waiting on the vendor, no handover. */
  const quiet = () =>
    waitingCallers === 0 &&
    core.outboxEmpty &&
    !core.reconnecting &&
    !core.awaitingTranscript &&
    attachScope === undefined;
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
    await condition(() => core.ended || cancel.requested || quiet());
    if (core.ended) break;
    if (!cancel.requested) {
      stopping = true;
      deliveryScope?.cancel();
      await connectionAndDelivery;
      // A send that slipped in meanwhile finishes; a failover needs the connection lane back.
      await condition(() => quiet() || core.reconnecting || core.ended || cancel.requested);
      if (quiet() && !core.ended && !cancel.requested) {
        releasePullers = true;
        // Only pull consumers should be left: anything else (a new send, the end, a cancel) goes back
        // to the running session, every lane and all.
        await condition(() => allHandlersFinished() || !quiet() || core.ended || cancel.requested);
        if (allHandlersFinished() && quiet() && !core.ended && !cancel.requested) {
          searchAttributes.sync();
          return continueAsNew<typeof chatSession>(input, core.state);
        }
        releasePullers = false;
      }
    }
    // A failover during the drain, the end of the chat or a cancel request: carry on.
    if (stopping) {
      stopping = false;
      connectionAndDelivery = Promise.all([connectionLane(), deliveryLane()]);
    }
    if (cancel.requested) await condition(() => core.ended);
  }
  attachScope?.cancel();
  await Promise.all([vendorLanes, connectionAndDelivery]);
  // The vendor session is over: whatever a hub still holds would only meet a refusal.
  await releaseConnection();
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
