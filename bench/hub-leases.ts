// The hubs' lease workflows (src/workflows/connection-hub.ts, one per worker process): their history
// growth is part of what idle sessions cost the server, amortised over the sessions each hub holds.
import type { Client } from '@temporalio/client';
import { connectionHubWorkflowType } from '../src/shared/definitions';

export interface LeaseReading {
  workflowId: string;
  runId: string;
  historyLength: number;
  running: boolean;
}

/** Every hub lease workflow the server knows, with the length of its latest run's history. */
export async function readLeases(client: Client): Promise<Map<string, LeaseReading>> {
  const out = new Map<string, LeaseReading>();
  const ids = new Set<string>();
  for await (const info of client.workflow.list({ query: `WorkflowType = '${connectionHubWorkflowType}'` }))
    ids.add(info.workflowId);
  for (const workflowId of ids) {
    const d = await client.workflow.getHandle(workflowId).describe();
    out.set(workflowId, {
      workflowId,
      runId: d.runId,
      historyLength: d.historyLength,
      running: d.status.name === 'RUNNING',
    });
  }
  return out;
}

/**
 * Lease history events added between two readings. A lease that continued-as-new in between counts the
 * rest of its old run plus the whole new one; a lease that appeared counts whole.
 */
export async function leaseEventsBetween(
  client: Client,
  before: Map<string, LeaseReading>,
  after: Map<string, LeaseReading>,
): Promise<number> {
  let events = 0;
  for (const [id, now] of after) {
    const then = before.get(id);
    if (!then) events += now.historyLength;
    else if (then.runId === now.runId) events += now.historyLength - then.historyLength;
    else {
      const old = await client.workflow.getHandle(id, then.runId).describe();
      events += old.historyLength - then.historyLength + now.historyLength;
    }
  }
  return events;
}

/** Lease workflows running in both readings: the hubs that held sessions through the window. */
export function hubsThrough(before: Map<string, LeaseReading>, after: Map<string, LeaseReading>): number {
  return [...after.values()].filter((l) => l.running && before.get(l.workflowId)?.running).length;
}
