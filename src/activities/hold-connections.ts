// heartbeat: the hub's lease. One activity per worker heartbeats for every connection the hub holds
// (instead of one heartbeating activity per session). If the worker dies, the heartbeat times out and
// the lease workflow tells each of the hub's sessions to attach elsewhere.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { HubFailure } from '../hub/connection-hub';
import type { LeaseHeartbeat } from '../shared/hub-types';
import type { ActivityDeps } from './activity-deps';

export interface HoldConnectionsInput {
  hubId: string;
  /** Return after this long, so the lease workflow can renew the lease and continue-as-new. */
  leaseMs: number;
}

export function holdConnectionsActivity(deps: ActivityDeps) {
  return async function holdConnections(input: HoldConnectionsInput): Promise<{ closed: boolean }> {
    const ctx = Context.current();
    if (input.hubId !== deps.hub.hubId) {
      throw ApplicationFailure.create({
        type: HubFailure.unavailable,
        message: `hub ${input.hubId} does not run in this process`,
        nonRetryable: true,
      });
    }
    const beatEveryMs = 1_000; // the SDK's throttle decides what reaches the server
    const deadline = Date.now() + input.leaseMs;
    for (;;) {
      const state = deps.hub.state;
      if (state === 'closed') return { closed: true };
      if (state === 'fenced') {
        throw ApplicationFailure.create({ type: HubFailure.unavailable, message: 'the hub fenced itself' });
      }
      const learned = deps.hub.learnedCredentials();
      const beat: LeaseHeartbeat = { sessions: deps.hub.size, ...(learned ? { learned } : {}) };
      ctx.heartbeat(beat);
      if (Date.now() >= deadline) return { closed: false };
      try {
        await ctx.sleep(beatEveryMs);
      } catch (err) {
        // Cancelled: the worker is shutting down (the hub drains) or the server lost the lease.
        if (deps.hub.state === 'draining') await deps.hub.whenClosed();
        if (deps.hub.state === 'closed') return { closed: true };
        throw err;
      }
    }
  };
}
