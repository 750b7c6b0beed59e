// Where a takeover's poll gap goes, read from the server's own histories: the dead hub's lease
// workflow (its lease activity timing out, the workflow task that re-homes, the reassignSessions
// activity) and one session (the connectionLost signal, the workflow task that handles it, the new
// attach), each step as seconds after the SIGKILL.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
const TimeoutType = temporal.api.enums.v1.TimeoutType;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface TimelineStep {
  atSec: number;
  what: string;
}

/** Events of `workflowId` (latest run) from `sinceMs` (epoch) on, as labelled steps. */
export async function timelineSince(
  client: Client,
  workflowId: string,
  sinceMs: number,
  maxSteps = 12,
): Promise<TimelineStep[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const steps: TimelineStep[] = [];
  for (const e of history.events ?? []) {
    const at = eventMs(e);
    if (at < sinceMs) continue;
    const what = describe(e);
    if (what) steps.push({ atSec: Math.round((at - sinceMs) / 100) / 10, what });
    if (steps.length >= maxSteps) break;
  }
  return steps;
}

export function formatTimeline(steps: TimelineStep[]): string {
  return steps.map((s) => `+${s.atSec} s ${s.what}`).join(', ');
}

function eventMs(e: HistoryEvent): number {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
}

/** A short label for the events that explain a gap; undefined for the rest. */
function describe(e: HistoryEvent): string | undefined {
  switch (e.eventType) {
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      return `${e.activityTaskScheduledEventAttributes?.activityType?.name} scheduled`;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      return 'activity completed';
    case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      return `activity timed out (${timeout(e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType)})`;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      return 'activity failed';
    case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
      return `workflow task timed out (${timeout(e.workflowTaskTimedOutEventAttributes?.timeoutType)})`;
    case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
      return `workflow task started by ${e.workflowTaskStartedEventAttributes?.identity}`;
    case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      return 'workflow task FAILED';
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      return `signal ${e.workflowExecutionSignaledEventAttributes?.signalName}`;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return 'workflow completed';
    default:
      return undefined;
  }
}

function timeout(type: temporal.api.enums.v1.TimeoutType | null | undefined): string {
  const name = TimeoutType[type ?? 0] ?? String(type);
  // A schedule-to-start timeout of a workflow task is the sticky queue of a worker that is gone.
  return name
    .replace(/^TIMEOUT_TYPE_/, '')
    .toLowerCase()
    .replace(/_/g, '-');
}
