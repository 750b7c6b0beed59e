// Live Agent's HTTP statuses in our failure vocabulary (docs/protocols/salesforce-live-agent.md §1.8; the 409 of §1.6, the 503 of
// §1.9). The meanings are this vendor's: another vendor's 503 or 409 says something else, so each REST
// vendor maps its own statuses in its own folder.
import { FailureType, type FailureTypeName } from '../../shared/failure-types';
import { isTransientVendorStatus } from '../http/vendor-http';

export function failureTypeForStatus(status: number): FailureTypeName {
  // The server holding the session failed over: the affinity token is stale, ReconnectSession renews it.
  if (status === 503) return FailureType.handoverRequired;
  // The session key is unknown: expired after a poll gap, ended on the vendor's side, or a bad key.
  if (status === 403 || status === 401) return FailureType.sessionGone;
  // Two Messages polls were open for one session: the vendor ended the chat.
  if (status === 409) return FailureType.connectionConflict;
  if (isTransientVendorStatus(status)) return FailureType.vendorUnavailable;
  return FailureType.requestRejected;
}
