// What a failed receive means for the link that holds the session: a pure decision, unit-tested.
import { ApplicationFailure } from '@temporalio/common';
import { VendorCredentialsChanged, type JsonObject } from '../providers/chat-provider';
import { FailureType } from '../shared/failure-types';

export type ReceiveFailureAction =
  /**
   * The credential must be renewed: tell the session (`handover` signal, with the new credentials when
   * the vendor named them) and let go.
   */
  | { kind: 'handover'; message: string; credentials?: JsonObject }
  /** The vendor session is over: tell the session and let go. */
  | { kind: 'lost'; reason: 'sessionGone' | 'conflict' | 'failed'; message: string; failureType?: string }
  /** Transient: receive again after a pause. */
  | { kind: 'retry'; message: string };

export function receiveFailureAction(
  err: unknown,
  malformedInARow: number,
  malformedLimit: number,
): ReceiveFailureAction {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof VendorCredentialsChanged)
    return { kind: 'handover', message, credentials: err.credentials };
  const type = err instanceof ApplicationFailure ? err.type : undefined;
  switch (type) {
    case FailureType.handoverRequired:
      return { kind: 'handover', message };
    case FailureType.sessionGone:
      return { kind: 'lost', reason: 'sessionGone', message };
    case FailureType.connectionConflict:
      return { kind: 'lost', reason: 'conflict', message };
    case FailureType.malformedResponse:
      // Retrying a body that stays malformed will not help: after the limit it ends the session, typed.
      return malformedInARow >= malformedLimit
        ? {
            kind: 'lost',
            reason: 'failed',
            message: `${message} (after ${malformedInARow} attempts)`,
            failureType: FailureType.malformedResponse,
          }
        : { kind: 'retry', message };
    case FailureType.requestRejected:
    case FailureType.unknownProvider:
      return { kind: 'lost', reason: 'failed', message, failureType: type };
    default:
      return { kind: 'retry', message };
  }
}
