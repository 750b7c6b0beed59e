// The chat session workflow: handlers and four lanes wired to SessionCore, which holds the rules.
//   poll lane      agent → bridge: one long-poll activity at a time, never two
//   send lane      customer → agent: the outbox, in order, one request at a time
//   handover lane  a failed credential (503) → reconnect → resume the other lanes
//   delivery lane  bridge → channel webhook, in order, retried without ever blocking the poll lane
import {
  ApplicationFailure,
  CancellationScope,
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
import { validateCustomerActivity, validateWaitForEvents } from './validate-input';

const deliveryBatchSize = 25;
const sendRetryPauseMs = 5_000;
/** Longest wait for the vendor's transcript replay after a reconnect before buffered messages are resent. */
const transcriptWaitMs = 30_000;

export async function chatSession(
  input: StartSessionInput,
  resume?: SessionCoreState,
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

  /** Set when the run drains for continue-as-new. */
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
      case FailureType.affinityChanged:
        return startHandover(generation);
      case FailureType.sessionGone:
        return core.endFromVendor('vendorSessionExpired', now(), failure.message);
      case FailureType.pollConflict:
        return core.endFromVendor('vendorConflict', now(), failure.message);
      default:
        log.error('session cannot continue', { type: failure.type, message: failure.message });
        return core.fail(failure.type, failure.message, now());
    }
  };

  // ---- handlers ----

  setHandler(
    sendMessageUpdate,
    async ({ clientMessageId, text }) => {
      const queued = core.enqueue({ kind: 'message', text }, clientMessageId, now());
      if (queued.kind === 'refused') throw typedError(FailureType.sessionEnded, queued.reason);
      await condition(() => core.outcomeOf(clientMessageId) !== undefined);
      const outcome = core.outcomeOf(clientMessageId)!;
      if (outcome.kind === 'rejected') throw typedError(FailureType.requestRejected, outcome.reason);
      return { ...outcome.result, duplicate: queued.kind === 'known' };
    },
    {
      validator: (message) => {
        const reason = core.checkSendMessage(message);
        if (reason) {
          throw typedError(core.ended ? FailureType.sessionEnded : FailureType.invalidInput, reason);
        }
      },
    },
  );

  setHandler(endChatUpdate, async () => {
    if (!core.ended) {
      const queued = core.enqueue({ kind: 'end' }, null, now());
      if (queued.kind === 'queued')
        await condition(() => core.outcomeOf(queued.id) !== undefined || core.ended);
      else await condition(() => core.ended);
    }
    return { endedAt: now() };
  });

  setHandler(customerActivitySignal, (activity) => {
    const reason = validateCustomerActivity(activity);
    if (reason) return log.warn('ignored an invalid customerActivity signal', { reason });
    core.enqueue(activity, null, now());
  });

  setHandler(handoverSignal, ({ generation }) => startHandover(generation));

  setHandler(
    waitForEventsUpdate,
    async ({ afterIndex, timeoutMs }) => {
      await condition(() => core.hasEventsAfter(afterIndex) || core.ended || stopping, timeoutMs ?? 60_000);
      return core.eventsAfter(afterIndex);
    },
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
    for (;;) {
      await condition(() => core.reconnecting || core.ended);
      if (!core.reconnecting) return;
      const { credentials, cursor, generation } = core.state;
      try {
        core.reconnected(
          await acts.reconnect.reconnectSession({ provider, credentials: credentials!, cursor: cursor! }),
          now(),
        );
      } catch (err) {
        onVendorFailure(err, generation);
      }
      searchAttributes.sync();
      // Sending resumes once the poll brings the vendor's transcript replay, or after a bounded wait.
      if (
        core.awaitingTranscript &&
        !(await condition(() => !core.awaitingTranscript || core.ended, transcriptWaitMs))
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

  const vendorLanes = Promise.all([sendLane(), handoverLane()]);
  const pollAndDelivery = Promise.all([pollLane(), deliveryLane()]);
  // Never drain mid-handover: the poll that the drain stops is what brings the transcript replay.
  await condition(
    () =>
      core.ended ||
      (shouldContinueAsNew(core.tuning.continueAsNewAfterEvents) &&
        !core.reconnecting &&
        !core.awaitingTranscript),
  );
  if (!core.ended) {
    // Drain for continue-as-new: stop polling and delivering (both resume in the next run), keep sending
    // and reconnecting until no caller waits on the outbox, then hand the whole state to the next run.
    stopping = true;
    pollScope?.cancel();
    deliveryScope?.cancel();
    await pollAndDelivery;
    await condition(() => allHandlersFinished() && core.outboxEmpty && !core.reconnecting);
    searchAttributes.sync();
    return continueAsNew<typeof chatSession>(input, core.state);
  }
  pollScope?.cancel(); // the vendor session is over; its poll would only get a 403
  await Promise.all([vendorLanes, pollAndDelivery]);
  await condition(allHandlersFinished);
  searchAttributes.sync();
  const failure = core.state.failure;
  if (failure)
    throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
  return core.result();
}

function shouldContinueAsNew(afterEvents: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= afterEvents;
}

function typedError(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
