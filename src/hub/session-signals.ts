// How the hub talks to session workflows: the `vendorEvents` update and the `handover` and
// `connectionLost` signals, through a Temporal client. An interface, so the hub's rules unit-test with a
// recorder and run in the worker with the real client.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  adoptConnectionUpdate,
  connectionLostSignal,
  eventsDeliveredSignal,
  handoverSignal,
  vendorEventsUpdate,
} from '../shared/definitions';
import type { HandoverSignal } from '../shared/definitions';
import { FailureType } from '../shared/failure-types';
import type {
  AdoptConnectionRequest,
  AttachConnectionInput,
  ConnectionLostSignal,
  EventsDeliveredSignal,
  VendorEventsBatch,
  VendorEventsRecorded,
} from '../shared/hub-types';

/**
 * The session recorded the batch (and says what the hub may deliver); `stale`: it moved on, let go;
 * `backlogFull`: not now (its webhook keeps failing), receive the same batch again later; `outOfStep`:
 * the session's record went back (reset): let go and tell it.
 */
export type BatchOutcome = VendorEventsRecorded | 'stale' | 'backlogFull' | 'outOfStep';

export interface SessionSignals {
  /**
   * `chatUid`: the chat's first run id (tells a continue-as-new from a closed chat). `signal` abandons
   * the wait (the update needs a worker to run it); a batch abandoned that way may still be recorded
   * later or refused as stale — both leave the session's record and the vendor's cursor consistent.
   */
  vendorEvents(
    workflowId: string,
    batch: VendorEventsBatch,
    chatUid: string,
    signal: AbortSignal,
  ): Promise<BatchOutcome>;
  /**
   * Asks a lost hub's session to let this hub hold its connection: the new attachment, or null when
   * the session refused (it moved on, is attaching, or is gone).
   */
  adoptConnection(workflowId: string, request: AdoptConnectionRequest): Promise<AttachConnectionInput | null>;
  handover(workflowId: string, signal: HandoverSignal): Promise<void>;
  eventsDelivered(workflowId: string, signal: EventsDeliveredSignal): Promise<void>;
  connectionLost(workflowId: string, signal: ConnectionLostSignal): Promise<void>;
  /**
   * False once the chat's workflow has closed (terminated, say) — also when a new chat for the same
   * customer runs under the same workflow id: `chatUid` (the chat's first run id) tells them apart.
   */
  isRunning(workflowId: string, chatUid: string): Promise<boolean>;
}

/** The session workflow is gone (completed, terminated): nothing more to tell it. */
export class SessionGoneError extends Error {
  override readonly name = 'SessionGoneError';
}

export function clientSessionSignals(client: Client): SessionSignals {
  const isRunning = async (id: string, chatUid: string) => {
    try {
      const description = await client.workflow.getHandle(id).describe();
      const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
      return description.status.name === 'RUNNING' && (!firstRunId || firstRunId === chatUid);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      return true; // unknown: keep holding; the next check asks again
    }
  };
  const signal = async <T>(workflowId: string, def: { name: string }, arg: T): Promise<void> => {
    try {
      await client.workflow.getHandle(workflowId).signal(def.name, arg);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new SessionGoneError(err.message);
      throw err;
    }
  };
  return {
    async vendorEvents(id, batch, chatUid, abort) {
      try {
        return await client.withAbortSignal(abort, () =>
          client.workflow.getHandle(id).executeUpdate(vendorEventsUpdate, {
            args: [batch],
            // A retry of the same batch is the same update: the session records it once.
            updateId: `${batch.hubId}:${batch.epoch}:${batch.firstIndex}`,
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const cause = err.cause;
          if (cause instanceof ApplicationFailure && cause.type === FailureType.staleVendorEvents)
            return 'stale';
          if (cause instanceof ApplicationFailure && cause.type === FailureType.deliveryBacklogFull)
            return 'backlogFull';
          if (cause instanceof ApplicationFailure && cause.type === FailureType.outOfStepVendorEvents)
            return 'outOfStep';
          throw err;
        }
        // "Not found" also answers an update that met a continue-as-new: ask whether the chat runs on.
        if (err instanceof WorkflowNotFoundError && !(await isRunning(id, chatUid))) {
          throw new SessionGoneError(err.message);
        }
        throw err;
      }
    },
    async adoptConnection(id, request) {
      try {
        return await client.workflow.getHandle(id).executeUpdate(adoptConnectionUpdate, {
          args: [request],
          // Asked twice (a retried re-homing), the session answers once.
          updateId: `adopt:${request.fromHubId}:${request.hubId}`,
        });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const cause = err.cause;
          if (cause instanceof ApplicationFailure && cause.type === FailureType.adoptionRefused) return null;
        }
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }
    },
    handover: (id, s) => signal(id, handoverSignal, s),
    eventsDelivered: (id, s) => signal(id, eventsDeliveredSignal, s),
    connectionLost: (id, s) => signal(id, connectionLostSignal, s),
    isRunning,
  };
}
