import { ApplicationFailure } from '@temporalio/common';
import type { FailureTypeName } from '../shared/failure-types';

export function isFailureType(err: unknown, type: FailureTypeName): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === type;
}
