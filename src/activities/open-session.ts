// init: open the vendor session (Live Agent: SessionId + ChasitorInit).
import { Context } from '@temporalio/activity';
import type { JsonObject, OpenedSession } from '../providers/chat-provider';
import type { ActivityDeps } from './activity-deps';

export interface OpenSessionInput {
  provider: string;
  customerId: string;
  visitorName: string;
  providerOptions: JsonObject;
}

export function openSessionActivity(deps: ActivityDeps) {
  return async function openSession(input: OpenSessionInput): Promise<OpenedSession> {
    const provider = deps.providers.get(input.provider);
    const ctx = Context.current();
    return provider.open(
      {
        customerId: input.customerId,
        visitorName: input.visitorName,
        providerOptions: input.providerOptions,
      },
      ctx.cancellationSignal,
      // Heartbeat details outlive a failed attempt and come back to the retry.
      { resume: ctx.info.heartbeatDetails as JsonObject | undefined, save: (state) => ctx.heartbeat(state) },
    );
  };
}
