// The lease workflow of one worker's connection hub. It keeps the hub's lease activity running (one
// heartbeat for every connection the hub holds), keeps the list of sessions the hub holds, and when the
// lease times out — the worker died or was cut off — tells each of those sessions to attach elsewhere.
import {
  ActivityCancellationType,
  ActivityFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChatActivities } from '../activities';
import { hubClosedSignal, hubMembershipSignal } from '../shared/definitions';
import type { ConnectionHubInput, LeaseHeartbeat, LearnedCredentials } from '../shared/hub-types';

export const hubLeaseDefaults = { leaseMs: 30 * 60_000, heartbeatTimeoutMs: 8_000 } as const;
/** Sessions per `reassignSessions` activity when a lease is lost. */
const reassignPartSize = 200;

export async function connectionHub(input: ConnectionHubInput): Promise<{ members: number }> {
  const leaseMs = input.leaseMs ?? hubLeaseDefaults.leaseMs;
  const heartbeatTimeoutMs = input.heartbeatTimeoutMs ?? hubLeaseDefaults.heartbeatTimeoutMs;
  const members = new Set(input.members ?? []);
  let closed = false;
  setHandler(hubMembershipSignal, ({ attached, detached }) => {
    for (const id of detached) members.delete(id);
    for (const id of attached) members.add(id);
  });
  setHandler(hubClosedSignal, () => {
    closed = true;
  });

  const lease = proxyActivities<ChatActivities>({
    taskQueue: input.hubTaskQueue,
    // A lease nobody picks up (the worker is gone) fails as fast as one that stops heartbeating.
    scheduleToStartTimeout: heartbeatTimeoutMs,
    startToCloseTimeout: leaseMs + 60_000,
    heartbeatTimeout: heartbeatTimeoutMs,
    retry: { maximumAttempts: 1 },
    cancellationType: ActivityCancellationType.TRY_CANCEL,
    summary: 'hold vendor connections (hub lease)',
  });
  const rehome = proxyActivities<ChatActivities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
    summary: 'tell a lost hub sessions to attach elsewhere',
  });

  while (!closed) {
    try {
      const { closed: drained } = await lease.holdConnections({ hubId: input.hubId, leaseMs });
      if (drained) break;
    } catch (err) {
      if (closed) break;
      log.warn('hub lease lost: re-homing its sessions', { hubId: input.hubId, sessions: members.size });
      const reason = `hub ${input.hubId} lost its lease: ${err instanceof Error ? err.message : String(err)}`;
      // In parts, all at once: each part goes to whichever live worker polls first, so a dead hub's
      // sessions spread over the survivors instead of queueing behind one.
      const ids = [...members];
      const learned = learnedCredentialsOf(err);
      const parts = [];
      for (let i = 0; i < ids.length; i += reassignPartSize) {
        const part = ids.slice(i, i + reassignPartSize);
        const partLearned = Object.fromEntries(
          part.filter((id) => learned[id]).map((id) => [id, learned[id]!]),
        );
        parts.push(
          rehome.reassignSessions({
            hubId: input.hubId,
            sessionWorkflowIds: part,
            reason,
            ...(Object.keys(partLearned).length > 0 ? { learned: partLearned } : {}),
          }),
        );
      }
      await Promise.all(parts);
      return { members: members.size };
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 5_000) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof connectionHub>({ ...input, members: [...members] });
    }
  }
  return { members: members.size };
}

/**
 * The credentials the lost hub's connections had learned, from its lease's last heartbeat (a timed-out
 * activity's failure carries it): the re-homing hands them to their sessions.
 */
function learnedCredentialsOf(err: unknown): Record<string, LearnedCredentials> {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof TimeoutFailure)) return {};
  const beat = cause.lastHeartbeatDetails as LeaseHeartbeat | undefined;
  return beat && typeof beat === 'object' && beat.learned && typeof beat.learned === 'object'
    ? beat.learned
    : {};
}
