// How the hub talks to session workflows: signals through a Temporal client. An interface, so the hub's
// rules unit-test with a recorder and run in the worker with the real client.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { connectionLostSignal, handoverSignal, vendorEventsSignal } from '../shared/definitions';
import type { HandoverSignal } from '../shared/definitions';
import type { ConnectionLostSignal, VendorEventsSignal } from '../shared/hub-types';

export interface SessionSignals {
  vendorEvents(workflowId: string, signal: VendorEventsSignal): Promise<void>;
  handover(workflowId: string, signal: HandoverSignal): Promise<void>;
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
  const send = async <T>(workflowId: string, def: { name: string }, arg: T): Promise<void> => {
    try {
      await client.workflow.getHandle(workflowId).signal(def.name, arg);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new SessionGoneError(err.message);
      throw err;
    }
  };
  return {
    vendorEvents: (id, s) => send(id, vendorEventsSignal, s),
    handover: (id, s) => send(id, handoverSignal, s),
    connectionLost: (id, s) => send(id, connectionLostSignal, s),
    isRunning: async (id, chatUid) => {
      try {
        const description = await client.workflow.getHandle(id).describe();
        const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
        return description.status.name === 'RUNNING' && (!firstRunId || firstRunId === chatUid);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        return true; // unknown: keep holding; the next check asks again
      }
    },
  };
}
