// The failures a session's update callers get: typed, so the client maps them to its error classes and
// an operator reads the type in the Web UI.
import { ApplicationFailure } from '@temporalio/workflow';

export function typedFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
