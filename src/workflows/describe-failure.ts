// Reads the typed cause out of an activity failure so the workflow can branch on its `type`.
import { ActivityFailure, ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/workflow';

export function describeFailure(err: unknown): { type: string; message: string } {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof TimeoutFailure)
    return { type: `ActivityTimeout:${cause.timeoutType}`, message: cause.message };
  if (cause instanceof TemporalFailure) return { type: cause.name, message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Error', message: String(cause) };
}
