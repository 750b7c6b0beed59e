// For a session whose history shows a workflow task that failed on nondeterminism: replay each run of
// its chain with the run's own copy of the workflow code. If the replay fails too, the workflow code is
// nondeterministic under this history (a bridge bug); if it replays cleanly, the failing worker ran
// something else (it should not: every worker of the run runs one copy of src/).
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { encryptionDataConverter } from '../src/codec';
import type { TemporalLink } from './temporal-link';

export interface ReplayOptions {
  workflowsPath: string;
  encryptionKeys: string;
}

/** One line per run of the chain that had a failed workflow task: what replaying it says. */
export async function replayCheck(
  link: TemporalLink,
  workflowId: string,
  options: ReplayOptions,
): Promise<string[]> {
  installQuietRuntime();
  return link.call(180_000, async (_s, client) => {
    const out: string[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      const failed = (history.events ?? []).some((e) => e.workflowTaskFailedEventAttributes);
      if (!failed) continue;
      try {
        await Worker.runReplayHistory(
          {
            workflowsPath: options.workflowsPath,
            dataConverter: encryptionDataConverter(options.encryptionKeys),
            replayName: `chaos-replay-${run.runId}`,
          },
          history,
          workflowId,
        );
        out.push(`run ${run.runId}: replays cleanly with the run's workflow code`);
      } catch (err) {
        const kind =
          (err as Error).name === 'DeterminismViolationError' ? 'NONDETERMINISTIC' : 'replay failed';
        out.push(`run ${run.runId}: ${kind} with the run's own workflow code: ${(err as Error).message}`);
      }
    }
    return out;
  });
}

let runtimeInstalled = false;

/** The replayer's Runtime, with the SDK's logs at WARN (the soak's own lines stay readable). */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed
  }
}
