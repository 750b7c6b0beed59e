// long-poll, attach: hand one session's vendor connection to this worker's connection hub, which
// receives (long poll, short poll, stream) and keeps it alive for the session from the cursor it
// recorded. Returns at once; the hub reports to the session with signals.
import type { AttachConnectionInput, AttachConnectionResult } from '../shared/hub-types';
import type { ActivityDeps } from './activity-deps';

export function attachConnectionActivity(deps: ActivityDeps) {
  return async function attachConnection(input: AttachConnectionInput): Promise<AttachConnectionResult> {
    return deps.hub.attach(input);
  };
}

export interface DetachConnectionInput {
  sessionWorkflowId: string;
  epoch: number;
}

/** Runs on the hub's own task queue: ends the session's connection there and waits until it has ended. */
export function detachConnectionActivity(deps: ActivityDeps) {
  return async function detachConnection(input: DetachConnectionInput): Promise<{ detached: boolean }> {
    return { detached: await deps.hub.detach(input.sessionWorkflowId, input.epoch) };
  };
}
