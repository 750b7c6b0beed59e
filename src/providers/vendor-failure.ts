// Typed failures raised by providers. The `type` is what an operator reads in the Web UI and what
// the workflow branches on; `nonRetryable` tells Temporal whether a retry can help.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, type FailureTypeName } from '../shared/failure-types';

export interface VendorFailureDetails {
  provider: string;
  operation: string;
  status?: number;
}

export function vendorFailure(
  type: FailureTypeName,
  message: string,
  details: VendorFailureDetails,
  cause?: Error,
): ApplicationFailure {
  const retryable = type === FailureType.vendorUnavailable || type === FailureType.malformedResponse;
  return ApplicationFailure.create({
    type,
    message: `${details.provider} ${details.operation}: ${message}`,
    nonRetryable: !retryable,
    details: [details],
    cause,
  });
}

/** True when `err` is a typed failure of `type` (from any provider or activity). */
export function isFailureType(err: unknown, type: FailureTypeName): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === type;
}
