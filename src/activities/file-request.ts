// fileRequest: file limits, download and delete with the session's credentials. The bytes of a download
// go from the vendor straight to the caller's URL inside this activity: only their count is returned.
import { Context } from '@temporalio/activity';
import type { FileRequestOutcome, JsonObject } from '../providers/chat-provider';
import { vendorFailure } from '../providers/vendor-failure';
import { recordVendorError } from '../metrics/bridge-metrics';
import { FailureType } from '../shared/failure-types';
import type { FileRequest } from '../shared/session-types';
import type { ActivityDeps } from './activity-deps';

export interface FileRequestInput {
  provider: string;
  credentials: JsonObject;
  request: FileRequest;
}

export function fileRequestActivity(deps: ActivityDeps) {
  return async function fileRequest(input: FileRequestInput): Promise<FileRequestOutcome> {
    const provider = deps.providers.get(input.provider);
    const { metricMeter, cancellationSignal } = Context.current();
    if (!provider.fileRequest) {
      throw vendorFailure(FailureType.requestRejected, 'this vendor has no file transfer', {
        provider: input.provider,
        operation: `file ${input.request.op}`,
      });
    }
    try {
      return await provider.fileRequest(input.credentials, input.request, cancellationSignal);
    } catch (err) {
      recordVendorError(metricMeter, err, {
        provider: input.provider,
        operation: `file ${input.request.op}`,
      });
      throw err;
    }
  };
}
