// A dead hub's sessions are told to attach elsewhere. Runs on the shared task queue (any live worker),
// heartbeating its progress so a retry continues where the last attempt stopped.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectionLostSignal } from '../shared/definitions';
import type { ConnectionLostSignal } from '../shared/hub-types';

export interface ReassignSessionsInput {
  hubId: string;
  sessionWorkflowIds: string[];
  reason: string;
}

export function reassignSessionsActivity() {
  return async function reassignSessions(input: ReassignSessionsInput): Promise<{ told: number }> {
    const ctx = Context.current();
    const done = new Set<number>((ctx.info.heartbeatDetails as number[] | undefined) ?? []);
    const signal: ConnectionLostSignal = { hubId: input.hubId, reason: 'hubLost', message: input.reason };
    let next = 0;
    const worker = async () => {
      while (next < input.sessionWorkflowIds.length) {
        const i = next++;
        if (done.has(i)) continue;
        try {
          await ctx.client.workflow
            .getHandle(input.sessionWorkflowIds[i]!)
            .signal(connectionLostSignal, signal);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // retried; ended sessions need nothing
        }
        done.add(i);
        ctx.heartbeat([...done]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(100, input.sessionWorkflowIds.length) }, worker));
    return { told: done.size };
  };
}
