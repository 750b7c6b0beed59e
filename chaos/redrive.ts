// The operator's part after a window in which the webhook refused everything (410): once the receiver
// accepts again, every dead letter is redriven — on running sessions, and on the deliveries workflows of
// chats that ended with some — and the audit then expects every agent message delivered once, in order.
import {
  deadLettersQuery,
  pendingDeliveriesQuery,
  redriveDeadLettersUpdate,
} from '../src/shared/definitions';
import type { Completion } from './completion';
import { progress, sleep } from './progress';
import type { SessionRecord } from './session-record';
import type { TemporalLink } from './temporal-link';

/** Redrives the dead letters of running sessions. Returns how many events went back to delivery. */
export async function redriveRunningSessions(link: TemporalLink, records: SessionRecord[]): Promise<number> {
  let redriven = 0;
  for (const r of records) {
    const n = await link
      .call(10_000, async (_s, client) => {
        const handle = client.workflow.getHandle(r.workflowId);
        if ((await handle.query(deadLettersQuery)).deadLetters.length === 0) return 0;
        return (await handle.executeUpdate(redriveDeadLettersUpdate)).redriven;
      })
      .catch(() => 0);
    if (n > 0) progress(`redrive: ${r.label}: ${n} dead letter(s) back to delivery`);
    redriven += n;
  }
  return redriven;
}

/**
 * Ended chats that handed a backlog on: redrive their deliveries workflows' dead letters and wait
 * until each has delivered everything (it then completes). Returns how many events were redriven.
 */
export async function redriveEndedChats(
  link: TemporalLink,
  completions: Map<string, Completion>,
  deadline: number,
): Promise<number> {
  let redriven = 0;
  for (const completion of completions.values()) {
    const workflowId = completion.result?.undelivered?.workflowId;
    if (!workflowId) continue;
    for (;;) {
      const left = await link
        .call(10_000, async (_s, client) => {
          const handle = client.workflow.getHandle(workflowId);
          if ((await handle.describe()).status.name !== 'RUNNING') return 0;
          const letters = (await handle.query(deadLettersQuery)).deadLetters.length;
          if (letters > 0) {
            const n = (await handle.executeUpdate(redriveDeadLettersUpdate)).redriven;
            redriven += n;
            progress(`redrive: ${workflowId}: ${n} dead letter(s) back to delivery`);
          }
          return letters + (await handle.query(pendingDeliveriesQuery));
        })
        .catch(() => 1);
      if (left === 0 || Date.now() > deadline) break;
      await sleep(1_000);
    }
  }
  return redriven;
}
