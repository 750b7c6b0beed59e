// reconnect: the handover after a failover (Live Agent: ReconnectSession + ChasitorResyncState).
import { Context } from '@temporalio/activity';
import type { JsonObject, ReconnectedSession } from '../providers/chat-provider';
import type { ActivityDeps } from './activity-deps';

export interface ReconnectSessionInput {
  provider: string;
  credentials: JsonObject;
  cursor: JsonObject;
}

export function reconnectSessionActivity(deps: ActivityDeps) {
  return async function reconnectSession(input: ReconnectSessionInput): Promise<ReconnectedSession> {
    const provider = deps.providers.get(input.provider);
    return provider.reconnect(input.credentials, input.cursor, Context.current().cancellationSignal);
  };
}
