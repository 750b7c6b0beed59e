// reconnect: the handover after a failover (Live Agent: ReconnectSession; ChasitorResyncState follows
// the transcript replay as a `confirmReplay` send).
import { Context } from '@temporalio/activity';
import type { JsonObject, ReconnectedSession } from '../providers/chat-provider';
import { recordHandover, recordVendorError } from '../metrics/bridge-metrics';
import type { ActivityDeps } from './activity-deps';

export interface ReconnectSessionInput {
  provider: string;
  credentials: JsonObject;
  cursor: JsonObject;
  /** Set by sessions that send the vendor's replay confirmation themselves (see ReconnectOptions). */
  confirmReplayLater?: boolean;
  /** The caller's end is in flight (see ReconnectOptions). */
  endRequested?: boolean;
}

export function reconnectSessionActivity(deps: ActivityDeps) {
  return async function reconnectSession(input: ReconnectSessionInput): Promise<ReconnectedSession> {
    const provider = deps.providers.get(input.provider);
    const ctx = Context.current();
    const { metricMeter, cancellationSignal } = ctx;
    try {
      const reconnected = await provider.reconnect(input.credentials, input.cursor, cancellationSignal, {
        confirmReplayLater: input.confirmReplayLater === true,
        endRequested: input.endRequested === true,
        progress: {
          resume: ctx.info.heartbeatDetails as JsonObject | undefined,
          save: (state) => ctx.heartbeat(state),
        },
      });
      recordHandover(metricMeter, input.provider);
      return reconnected;
    } catch (err) {
      recordVendorError(metricMeter, err, { provider: input.provider, operation: 'reconnect' });
      throw err;
    }
  };
}
