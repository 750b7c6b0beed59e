// A dead hub's sessions move to a live hub. Runs on the shared task queue (any live worker): this
// worker's hub adopts each session (one update each: the session hands over its recorded cursor and the
// hub receives at once), and a session that refuses (it is attaching, or moved on) or that this hub
// cannot take is told to attach anywhere. Heartbeats its progress, so a retry continues where the last
// attempt stopped.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectionLostSignal, handoverSignal, type HandoverSignal } from '../shared/definitions';
import type { ConnectionLostSignal, LearnedCredentials } from '../shared/hub-types';
import type { ActivityDeps } from './activity-deps';

export interface ReassignSessionsInput {
  hubId: string;
  sessionWorkflowIds: string[];
  reason: string;
  /** Credentials the lost hub's connections had learned (its lease's last heartbeat), by session. */
  learned?: Record<string, LearnedCredentials>;
}

export interface ReassignSessionsResult {
  /** Sessions this worker's hub took over directly. */
  adopted: number;
  /** Sessions told to attach anywhere. */
  told: number;
}

export function reassignSessionsActivity(deps: ActivityDeps) {
  return async function reassignSessions(input: ReassignSessionsInput): Promise<ReassignSessionsResult> {
    const ctx = Context.current();
    const done = new Set<number>((ctx.info.heartbeatDetails as number[] | undefined) ?? []);
    const signal: ConnectionLostSignal = { hubId: input.hubId, reason: 'hubLost', message: input.reason };
    const result: ReassignSessionsResult = { adopted: 0, told: 0 };
    const tellToAttach = async (workflowId: string) => {
      try {
        await ctx.client.workflow.getHandle(workflowId).signal(connectionLostSignal, signal);
        result.told += 1;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err; // retried; ended sessions need nothing
      }
    };
    const handOver = async (workflowId: string, learned: LearnedCredentials) => {
      const handover: HandoverSignal = {
        generation: learned.generation,
        reason: input.reason,
        credentials: learned.credentials,
      };
      try {
        await ctx.client.workflow.getHandle(workflowId).signal(handoverSignal, handover);
        result.told += 1;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < input.sessionWorkflowIds.length) {
        const i = next++;
        if (done.has(i)) continue;
        const workflowId = input.sessionWorkflowIds[i]!;
        const learned = input.learned?.[workflowId];
        if (learned) {
          // The newest credentials are only in the lost hub's lease: the session reconnects from them.
          await handOver(workflowId, learned);
          done.add(i);
          ctx.heartbeat([...done]);
          continue;
        }
        // A hub that is not open refuses (HubUnavailable): the session attaches anywhere.
        const outcome = await deps.hub.adopt(workflowId, input.hubId).catch(() => 'refused' as const);
        if (outcome === 'refused') await tellToAttach(workflowId);
        else result.adopted += 1;
        done.add(i);
        ctx.heartbeat([...done]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(100, input.sessionWorkflowIds.length) }, worker));
    return result;
  };
}
