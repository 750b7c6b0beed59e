// send: one customer → agent action (message, typing, custom event, end), with its outbound stamp.
// A retry carries the same stamp (sequence or idempotency key), so the vendor drops a repeat of a
// request that did arrive.
import { Context } from '@temporalio/activity';
import type { JsonObject, OutboundStamp, SendOutcome } from '../providers/chat-provider';
import { FailureType } from '../shared/failure-types';
import type { OutboundCommand } from '../shared/session-types';
import { recordVendorError } from '../metrics/bridge-metrics';
import type { ActivityDeps } from './activity-deps';
import { isFailureType } from '../providers/vendor-failure';
import { signalHandover } from './signal-handover';

export interface SendToVendorInput {
  provider: string;
  credentials: JsonObject;
  command: OutboundCommand;
  stamp: OutboundStamp;
  generation: number;
}

export function sendToVendorActivity(deps: ActivityDeps) {
  return async function sendToVendor(input: SendToVendorInput): Promise<SendOutcome | undefined> {
    const provider = deps.providers.get(input.provider);
    const { info, cancellationSignal } = Context.current();
    // A retry of this activity may repeat a request that reached the vendor before the worker lost it.
    const stamp = info.attempt > 1 ? { ...input.stamp, mayRepeat: true } : input.stamp;
    try {
      const outcome = await provider.send(input.credentials, input.command, stamp, cancellationSignal);
      return outcome?.credentials ? { credentials: outcome.credentials } : undefined;
    } catch (err) {
      recordVendorError(Context.current().metricMeter, err, {
        provider: input.provider,
        operation: input.command.kind,
      });
      if (isFailureType(err, FailureType.handoverRequired))
        await signalHandover(input.generation, err.message);
      throw err;
    }
  };
}
