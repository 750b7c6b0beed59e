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

/** Maps an HTTP status the vendor answered to our failure vocabulary (shared by REST providers). */
export function failureTypeForStatus(status: number): FailureTypeName {
  if (status === 503) return FailureType.handoverRequired;
  if (status === 403 || status === 401) return FailureType.sessionGone;
  if (status === 409) return FailureType.connectionConflict;
  if (status >= 500 || status === 429 || status === 408) return FailureType.vendorUnavailable;
  return FailureType.requestRejected;
}

/** True when `err` is a typed failure of `type` (from any provider or activity). */
export function isFailureType(err: unknown, type: FailureTypeName): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === type;
}
