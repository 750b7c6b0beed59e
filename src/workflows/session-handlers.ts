// The session's signal, update and query handlers: each validates its input (a bad one changes nothing)
// and hands the decision to SessionCore. Update handlers run shielded from a cancel request: it ends the
// chat, and callers get its outcome.
import { CancellationScope, condition, log, setHandler } from '@temporalio/workflow';
import {
  adoptConnectionUpdate,
  connectionLostSignal,
  customerActivitySignal,
  deadLettersQuery,
  endChatUpdate,
  fileRequestUpdate,
  sendFileUpdate,
  updateUserDataUpdate,
  setAgentStateUpdate,
  eventsDeliveredSignal,
  eventsAfterQuery,
  handoverSignal,
  redriveDeadLettersUpdate,
  sendMessageUpdate,
  stateQuery,
  transcriptQuery,
  vendorEventsUpdate,
  waitForEventsUpdate,
} from '../shared/definitions';
import { FailureType } from '../shared/failure-types';
import type { OutboundCommand } from '../shared/session-types';
import type { AdmissionRefusal } from './session-core';
import { typedFailure } from './typed-error';
import type { SessionRuntime } from './session-runtime';
import {
  validateAdoptConnection,
  validateConnectionLost,
  validateCustomerActivity,
  validateEventsDelivered,
  validateFileRequest,
  validateUpdateUserData,
  validateSetAgentState,
  validateHandover,
  validateVendorEvents,
  validateWaitForEvents,
} from './validate-input';

export function installSessionHandlers(rt: SessionRuntime): void {
  const core = rt.core;
  const shielded = <T>(fn: () => Promise<T>, caller: boolean): Promise<T> =>
    CancellationScope.nonCancellable(async () => {
      if (caller) rt.waitingCallers += 1;
      try {
        return await fn();
      } finally {
        if (caller) rt.waitingCallers -= 1;
      }
    });

  /** Queues `command` under `id` (null: a session-local id) and waits for the vendor's answer. */
  const sendAndWait = (command: OutboundCommand, id: string | null) =>
    shielded(async () => {
      const queued = core.enqueue(command, id, rt.now());
      if (queued.kind === 'refused') throw typedFailure(FailureType.sessionEnded, queued.reason);
      await condition(() => core.outcomeOf(queued.id) !== undefined);
      const outcome = core.outcomeOf(queued.id)!;
      if (outcome.kind === 'rejected') {
        const type = outcome.chatEnded ? FailureType.sessionEnded : FailureType.requestRejected;
        throw typedFailure(type, outcome.reason);
      }
      return { ...outcome.result, duplicate: queued.kind === 'known' };
    }, true);
  const refuse = (refusal: AdmissionRefusal | null) => {
    if (!refusal) return;
    const type = {
      invalid: FailureType.invalidInput,
      reused: FailureType.idempotencyKeyReused,
      ended: FailureType.sessionEnded,
    }[refusal.type];
    throw typedFailure(type, refusal.reason);
  };

  setHandler(
    sendMessageUpdate,
    ({ clientMessageId, text }) => sendAndWait({ kind: 'message', text }, clientMessageId),
    {
      validator: (message) => refuse(core.checkSendMessage(message)),
    },
  );

  setHandler(
    sendFileUpdate,
    ({ clientMessageId, url, fileName, contentType }) =>
      sendAndWait(
        { kind: 'file', url, fileName, ...(contentType !== undefined ? { contentType } : {}) },
        clientMessageId,
      ),
    { validator: (file) => refuse(core.checkSendFile(file)) },
  );

  setHandler(
    updateUserDataUpdate,
    async ({ userData }) => {
      const { acceptedAt } = await sendAndWait({ kind: 'updateUserData', userData }, null);
      return { acceptedAt };
    },
    {
      validator: (input) => {
        const reason = validateUpdateUserData(input);
        if (reason) throw typedFailure(FailureType.invalidInput, reason);
        if (core.ended) throw typedFailure(FailureType.sessionEnded, 'the chat has ended');
      },
    },
  );

  setHandler(
    setAgentStateUpdate,
    async ({ state }) => {
      const { acceptedAt } = await sendAndWait({ kind: 'agentState', state }, null);
      return { acceptedAt };
    },
    {
      validator: (input) => {
        const reason = validateSetAgentState(input);
        if (reason) throw typedFailure(FailureType.invalidInput, reason);
        if (!core.state.presence) {
          throw typedFailure(
            FailureType.invalidInput,
            'setAgentState is for agent presences; this is a chat',
          );
        }
        if (core.ended) throw typedFailure(FailureType.sessionEnded, 'the agent presence has ended');
      },
    },
  );

  setHandler(fileRequestUpdate, (request) => shielded(() => rt.fileRequest(request), true), {
    validator: (input) => {
      const reason = validateFileRequest(input);
      if (reason) throw typedFailure(FailureType.invalidInput, reason);
      if (core.ended) throw typedFailure(FailureType.sessionEnded, 'the chat has ended');
    },
  });

  setHandler(endChatUpdate, () =>
    shielded(async () => {
      const refusal = await rt.endTheChat();
      if (refusal !== undefined) throw typedFailure(FailureType.requestRejected, refusal);
      return { endedAt: rt.now() };
    }, true),
  );

  setHandler(customerActivitySignal, (activity) => {
    const reason = validateCustomerActivity(activity);
    if (reason) return log.warn('ignored an invalid customerActivity signal', { reason });
    core.enqueue(activity, null, rt.now());
  });

  setHandler(handoverSignal, (handover) => {
    const reason = validateHandover(handover);
    if (reason) return log.warn('ignored an invalid handover signal', { reason });
    if (!core.isThisChat(handover.chatUid)) return; // a link of the customer's previous chat
    rt.startHandover(handover.generation, handover.credentials);
  });

  setHandler(
    vendorEventsUpdate,
    (batch) => {
      // Synchronous, and left uninstrumented by the tracing interceptor (src/tracing/workflow-interceptors.ts),
      // so traced and untraced workers order its completion and its commands the same way.
      // The validator refused stale batches, so this records.
      const recorded = core.acceptVendorEvents(batch, rt.now()) ?? {
        recordedThrough: core.state.nextEventIndex - 1,
        deliverThrough: -1,
      };
      rt.searchAttributes.sync();
      return recorded;
    },
    {
      // A refused batch is not written to history: neither a malformed one nor a stale one.
      validator: (batch) => {
        const invalid = validateVendorEvents(batch);
        if (invalid) throw typedFailure(FailureType.invalidInput, invalid);
        const outOfStep = core.outOfStepReason(batch);
        if (outOfStep) throw typedFailure(FailureType.outOfStepVendorEvents, outOfStep);
        const stale = core.staleBatchReason(batch);
        if (stale) throw typedFailure(FailureType.staleVendorEvents, stale);
        const full = core.backlogFullReason();
        if (full) throw typedFailure(FailureType.deliveryBacklogFull, full);
      },
    },
  );

  setHandler(
    adoptConnectionUpdate,
    (request) => {
      // Synchronous like vendorEvents (and likewise left uninstrumented by the tracing interceptor).
      const input = core.adopt(request, rt.workflowId);
      rt.searchAttributes.sync();
      return input;
    },
    {
      // A refused adoption writes nothing: the lost hub's lease workflow falls back to `connectionLost`.
      validator: (request) => {
        const invalid = validateAdoptConnection(request);
        if (invalid) throw typedFailure(FailureType.invalidInput, invalid);
        const refusal = core.adoptionRefusal(request, rt.attachScope !== undefined);
        if (refusal) throw typedFailure(FailureType.adoptionRefused, refusal);
      },
    },
  );

  setHandler(eventsDeliveredSignal, (report) => {
    const reason = validateEventsDelivered(report);
    if (reason) return log.warn('ignored an invalid eventsDelivered signal', { reason });
    core.eventsDelivered(report);
  });

  setHandler(connectionLostSignal, (lost) => {
    const reason = validateConnectionLost(lost);
    if (reason) return log.warn('ignored an invalid connectionLost signal', { reason });
    const outcome = core.connectionLost(lost, rt.now());
    // An attach still waiting on that hub's task queue would never be picked up: attach anywhere.
    if (outcome === 'reattach' && (lost.reason === 'hubLost' || lost.reason === 'draining')) {
      rt.attachScope?.cancel();
    }
    if (outcome !== 'ignored') rt.searchAttributes.sync();
  });

  setHandler(
    waitForEventsUpdate,
    ({ afterIndex, timeoutMs }) =>
      shielded(async () => {
        await condition(
          () => core.hasEventsAfter(afterIndex) || core.ended || rt.releasePullers,
          timeoutMs ?? 60_000,
        );
        return core.eventsAfter(afterIndex);
      }, false),
    {
      validator: (request) => {
        const reason = validateWaitForEvents(request);
        if (reason) throw typedFailure(FailureType.invalidInput, reason);
      },
    },
  );

  setHandler(redriveDeadLettersUpdate, () => {
    const redriven = core.redriveDeadLetters(Date.now());
    rt.searchAttributes.sync();
    return { redriven };
  });

  setHandler(stateQuery, () => core.view());
  setHandler(deadLettersQuery, () => core.deadLettersView());
  setHandler(transcriptQuery, () => core.state.transcript);
  setHandler(eventsAfterQuery, (afterIndex) =>
    core.eventsAfter(typeof afterIndex === 'number' && Number.isInteger(afterIndex) ? afterIndex : -1),
  );
}
