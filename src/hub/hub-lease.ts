// Starts the hub's lease workflow and watches the lease (LeaseGuard): the hub fences itself before the
// server could re-home its sessions.
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { connectionHubWorkflowType } from '../shared/definitions';
import type { ConnectionHubInput } from '../shared/hub-types';
import { LeaseGuard } from './lease-guard';

/**
 * The server re-homes a dead hub's sessions this long after its last recorded heartbeat; with the
 * re-homing itself (about a second) that bounds a session's receive gap when its worker dies.
 */
export const defaultHubHeartbeatTimeoutMs = 8_000;
/** How often a heartbeat reaches the server (the SDK's throttle): 1,800 recorded heartbeats a hub-hour. */
export const hubHeartbeatThrottleMs = 2_000;
/** The hub lets go this long before the server could re-home: a throttled beat plus a late reading fit in. */
export const hubFenceMarginMs = 2_000;

export interface HubLease {
  stop(): void;
}

export async function startHubLease(options: {
  client: Client;
  workflowId: string;
  taskQueue: string;
  input: ConnectionHubInput;
  reusePolicy: WorkflowIdReusePolicy;
  onFence: (reason: string) => void;
}): Promise<HubLease> {
  const { client, workflowId } = options;
  const heartbeatTimeoutMs = options.input.heartbeatTimeoutMs ?? defaultHubHeartbeatTimeoutMs;
  await client.workflow.start(connectionHubWorkflowType, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [{ ...options.input, heartbeatTimeoutMs }],
    workflowIdReusePolicy: options.reusePolicy,
    staticSummary: `connection hub ${options.input.hubId}`,
  });
  const handle = client.workflow.getHandle(workflowId);
  const guard = new LeaseGuard(
    async () => {
      const description = await client.withDeadline(Date.now() + 2_000, () => handle.describe());
      const lease = description.raw.pendingActivities?.find(
        (a) => a.activityType?.name === 'holdConnections',
      );
      return {
        running: description.status.name === 'RUNNING',
        lastBeatAt: optionalTsToMs(lease?.lastHeartbeatTime) ?? optionalTsToMs(lease?.lastStartedTime),
      };
    },
    heartbeatTimeoutMs,
    options.onFence,
    hubFenceMarginMs,
  );
  guard.start();
  return { stop: () => guard.stop() };
}
