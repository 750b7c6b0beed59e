// For a session the audit flagged: its Temporal history as one line per event (type, activity,
// decoded payloads, failure messages), every run of its continue-as-new chain, written next to the
// run's logs for diagnosis. Payloads are decrypted with the run's codec first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TemporalLink } from './temporal-link';

type Payloads = temporal.api.common.v1.IPayloads | null | undefined;
type Failure = temporal.api.failure.v1.IFailure | null | undefined;

const MAX_PAYLOAD_CHARS = 400;

export async function dumpHistory(
  link: TemporalLink,
  workflowId: string,
  file: string,
  codec: PayloadCodec,
): Promise<string[]> {
  const lines = await link.call(60_000, async (_s, client) => {
    const runs: Array<{ runId: string; startTime: Date }> = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const out: string[] = [];
    for (const run of runs) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      await decodePayloads(history, codec);
      out.push(
        `--- run ${run.runId} (started ${run.startTime.toISOString()})`,
        ...(history.events ?? []).map(describeEvent),
      );
    }
    return out;
  });
  writeFileSync(file, `${workflowId}\n${lines.join('\n')}\n`);
  return lines;
}

/** Replaces every `payloads` list in the history with its decoded form (in place). */
async function decodePayloads(node: unknown, codec: PayloadCodec): Promise<void> {
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'payloads' && Array.isArray(value)) {
      const decoded = await codec.decode(value as Payload[]).catch(() => undefined);
      if (decoded) (node as Record<string, unknown>)[key] = decoded;
    } else await decodePayloads(value, codec);
  }
}

export function historyFile(runDir: string, label: string): string {
  return join(runDir, `history-${label}.txt`);
}

function describeEvent(e: temporal.api.history.v1.IHistoryEvent): string {
  const type =
    temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(e.eventType);
  const at = e.eventTime?.seconds
    ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6))
        .toISOString()
        .slice(11, 23)
    : '';
  return `${String(e.eventId).padStart(5)} ${at} ${type}${details(e)}`;
}

function details(e: temporal.api.history.v1.IHistoryEvent): string {
  const a = e.activityTaskScheduledEventAttributes;
  if (a) return ` ${a.activityType?.name} id=${a.activityId} ${payloads(a.input)}`;
  const started = e.activityTaskStartedEventAttributes;
  if (started)
    return ` scheduled=${started.scheduledEventId} attempt=${started.attempt} by ${started.identity}${failure(started.lastFailure)}`;
  const done = e.activityTaskCompletedEventAttributes;
  if (done) return ` scheduled=${done.scheduledEventId} ${payloads(done.result)}`;
  const failed = e.activityTaskFailedEventAttributes;
  if (failed) return ` scheduled=${failed.scheduledEventId}${failure(failed.failure)}`;
  const timedOut = e.activityTaskTimedOutEventAttributes;
  if (timedOut) return ` scheduled=${timedOut.scheduledEventId}${failure(timedOut.failure)}`;
  const cancelReq = e.activityTaskCancelRequestedEventAttributes;
  if (cancelReq) return ` scheduled=${cancelReq.scheduledEventId}`;
  const canceled = e.activityTaskCanceledEventAttributes;
  if (canceled) return ` scheduled=${canceled.scheduledEventId}`;
  const signal = e.workflowExecutionSignaledEventAttributes;
  if (signal) return ` ${signal.signalName} ${payloads(signal.input)}`;
  const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
  if (accepted)
    return ` ${accepted.acceptedRequest?.input?.name} ${payloads(accepted.acceptedRequest?.input?.args)}`;
  const updated = e.workflowExecutionUpdateCompletedEventAttributes;
  if (updated)
    return ` ${updated.outcome?.success ? payloads(updated.outcome.success) : failure(updated.outcome?.failure)}`;
  const wfDone = e.workflowExecutionCompletedEventAttributes;
  if (wfDone) return ` ${payloads(wfDone.result)}`;
  const wfFailed = e.workflowExecutionFailedEventAttributes;
  if (wfFailed) return failure(wfFailed.failure);
  const taskFailed = e.workflowTaskFailedEventAttributes;
  if (taskFailed) return ` cause=${taskFailed.cause}${failure(taskFailed.failure)}`;
  const taskStarted = e.workflowTaskStartedEventAttributes;
  if (taskStarted) return ` by ${taskStarted.identity}`;
  const timedOutTask = e.workflowTaskTimedOutEventAttributes;
  if (timedOutTask) return ` timeoutType=${timedOutTask.timeoutType}`;
  return '';
}

function payloads(p: Payloads): string {
  const text = (p?.payloads ?? [])
    .map((x) => (x.data ? Buffer.from(x.data).toString('utf8') : ''))
    .join(', ');
  return text.length > MAX_PAYLOAD_CHARS ? `${text.slice(0, MAX_PAYLOAD_CHARS)}…` : text;
}

function failure(f: Failure): string {
  if (!f) return '';
  const type = f.applicationFailureInfo?.type ? `${f.applicationFailureInfo.type}: ` : '';
  const cause = f.cause ? ` <- ${f.cause.message}` : '';
  return ` [${type}${f.message}${cause}]`;
}
