// What a gateway retcode means, in our failure vocabulary (docs/protocols/huawei-cc-gateway.md §9,
// Huawei Cloud CEC API reference, "Error Codes", cec_07_0580). The HTTP status says nothing: the
// gateway answers 200 for its own errors. Unknown codes are refusals, never retried blindly.
import { FailureType, type FailureTypeName } from '../../shared/failure-types';
import { vendorFailure } from '../vendor-failure';
import type { GatewayReply } from './wire-schemas';

export const providerName = 'huawei-cc-gateway';

export const retcode = {
  ok: '0',
  wrongEventMethod: '000-001',
  invalidParameter: '000-002',
  authExpired: '000-003',
  switchingOver: '000-004',
  repeatedInvocation: '000-007',
  signInParameter: '100-001',
  signedInElsewhere: '100-002',
  resourceUnavailable: '100-003',
  wrongPassword: '100-004',
  notSignedIn: '100-006',
  internalError: '100-007',
  alreadySignedOut: '100-008',
  inCall: '100-010',
} as const;

const byCode: Record<string, FailureTypeName> = {
  [retcode.authExpired]: FailureType.agentSignedOut,
  [retcode.notSignedIn]: FailureType.agentSignedOut,
  [retcode.signedInElsewhere]: FailureType.agentSignedInElsewhere,
  [retcode.inCall]: FailureType.agentInCall,
  // Passing states of the gateway: a retry after a pause can succeed.
  [retcode.switchingOver]: FailureType.vendorUnavailable,
  [retcode.repeatedInvocation]: FailureType.vendorUnavailable,
  [retcode.resourceUnavailable]: FailureType.vendorUnavailable,
  [retcode.internalError]: FailureType.vendorUnavailable,
};

export function failureTypeFor(code: string): FailureTypeName {
  return byCode[code] ?? FailureType.requestRejected;
}

/**
 * The answer's `result` when `retcode` is "0"; otherwise throws the typed failure its code names. The
 * gateway's `message` is not copied into the failure (it reaches history unencrypted): the code is.
 */
export function readResult(reply: GatewayReply, operation: string): GatewayReply {
  if (reply.retcode === retcode.ok) return reply;
  const type = failureTypeFor(reply.retcode);
  throw vendorFailure(type, `retcode ${reply.retcode}`, { provider: providerName, operation });
}
