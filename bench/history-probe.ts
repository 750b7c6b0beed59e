// History lengths and event types read from the server: the machine-independent cost the Targets count.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { runPool, sleep } from './progress';

const EventType = temporal.api.enums.v1.EventType;

/** Event type names of one workflow's history, e.g. ACTIVITY_TASK_SCHEDULED. */
export async function historyEventTypes(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) =>
    (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, ''),
  );
}

/** Histories of `workflowIds` (a few reads in parallel, not thousands). */
export async function readHistories(
  client: Client,
  workflowIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  await runPool(workflowIds, 8, async (id) => {
    out.set(id, await historyEventTypes(client, id));
  });
  return out;
}

/** The history once the session has stopped writing: the same length twice, `quietMs` apart. */
export async function settledHistory(client: Client, workflowId: string, quietMs = 750): Promise<string[]> {
  let last = await historyEventTypes(client, workflowId);
  for (let i = 0; i < 40; i += 1) {
    await sleep(quietMs);
    const now = await historyEventTypes(client, workflowId);
    if (now.length === last.length) return now;
    last = now;
  }
  return last;
}

/** Event types of `history` after the first `from`, counted and divided by `per`. */
export function eventTypesAfter(history: string[], from: number, per = 1): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of history.slice(from)) counts[type] = (counts[type] ?? 0) + 1;
  for (const type of Object.keys(counts)) counts[type] = Math.round((counts[type]! / per) * 100) / 100;
  return counts;
}

/** Up to `n` items spread evenly over the list (old and new sessions alike). */
export function spreadSample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}
