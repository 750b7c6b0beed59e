// Starts the hub's lease workflow and watches the lease (LeaseGuard): the hub fences itself before the
// server could re-home its sessions.
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { Client, WorkflowIdReusePolicy } from '@temporalio/client';
import { connectionHubWorkflowType } from '../shared/definitions';
import type { ConnectionHubInput } from '../shared/hub-types';
import { LeaseGuard } from './lease-guard';

export const defaultHubHeartbeatTimeoutMs = 8_000;

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
      const lease = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'holdConnections');
      return {
        running: description.status.name === 'RUNNING',
        lastBeatAt: optionalTsToMs(lease?.lastHeartbeatTime) ?? optionalTsToMs(lease?.lastStartedTime),
      };
    },
    heartbeatTimeoutMs,
    options.onFence,
  );
  guard.start();
  return { stop: () => guard.stop() };
}
