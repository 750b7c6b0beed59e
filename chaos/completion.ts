// The end of the run: every session workflow must complete by a deadline. Polls describe() (cheap,
// and tolerant of a connection that just came back), then collects results; the ones still open at
// the deadline are reported with their state query, which is what an operator would look at first.
import { WorkflowFailedError } from '@temporalio/client';
import type { SessionResult, SessionStateView } from '../src/shared/session-types';
import { describe } from './conversation';
import { sleep } from './progress';
import type { SessionRecord } from './session-record';
import type { TemporalLink } from './temporal-link';

export interface Completion {
  status: string;
  result?: SessionResult;
  failure?: string;
  state?: SessionStateView;
  /** Workflow runs (continue-as-new chain length), from the state query of the last run. */
  runs?: number;
}

export async function awaitCompletion(
  link: TemporalLink,
  records: SessionRecord[],
  deadline: number,
): Promise<Map<string, Completion>> {
  const done = new Map<string, Completion>();
  while (done.size < records.length && Date.now() < deadline) {
    for (const r of records) {
      if (done.has(r.workflowId)) continue;
      const status = await link
        .call(
          5_000,
          async (_s, client) => (await client.workflow.getHandle(r.workflowId).describe()).status.name,
        )
        .catch(() => 'UNKNOWN');
      if (status !== 'RUNNING' && status !== 'UNKNOWN')
        done.set(r.workflowId, await outcome(link, r, status));
    }
    if (done.size < records.length) await sleep(1_000);
  }
  for (const r of records) {
    if (done.has(r.workflowId)) continue;
    const state: SessionStateView | undefined = await link
      .call(5_000, (sessions) => sessions.state(r.key))
      .catch(() => undefined);
    done.set(r.workflowId, { status: 'RUNNING', ...(state ? { state } : {}) });
  }
  return done;
}

async function outcome(link: TemporalLink, r: SessionRecord, status: string): Promise<Completion> {
  try {
    const result = await link.call(
      10_000,
      (_s, client) => client.workflow.getHandle(r.workflowId).result() as Promise<SessionResult>,
    );
    const state = await link.call(10_000, (sessions) => sessions.state(r.key)).catch(() => undefined);
    return { status, result, ...(state ? { runs: state.runs } : {}) };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError && err.cause ? `: ${err.cause.message}` : '';
    return { status, failure: `${describe(err)}${cause}` };
  }
}
