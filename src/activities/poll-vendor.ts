// long-poll: wait for vendor events and return the next batch with the new cursor. Heartbeats while it
// waits, aborts its HTTP request when cancelled, and keeps polling through empty answers so an idle
// session stays inside one activity instead of filling the history.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JsonObject, PollBatch } from '../providers/chat-provider';
import { FailureType } from '../shared/failure-types';
import { recordPollWait, recordVendorError } from '../metrics/bridge-metrics';
import type { ActivityDeps } from './activity-deps';
import { isFailureType } from '../providers/vendor-failure';
import { signalHandover } from './signal-handover';

export interface PollVendorInput {
  provider: string;
  credentials: JsonObject;
  cursor: JsonObject;
  /** Credential generation the poll uses; a 503 reports it so stale handover requests are ignored. */
  generation: number;
  maxWaitMs: number;
}

export function pollVendorActivity(deps: ActivityDeps) {
  return async function pollVendor(input: PollVendorInput): Promise<PollBatch> {
    const ctx = Context.current();
    const provider = deps.providers.get(input.provider);
    const startedAt = Date.now();
    try {
      const batch = await deps.pollGuard.run(
        provider.sessionKeyOf(input.credentials),
        ctx.cancellationSignal,
        (signal) =>
          provider.poll(input.credentials, input.cursor, {
            signal,
            heartbeat: () => ctx.heartbeat(),
            heartbeatIntervalMs: heartbeatIntervalFor(ctx.info.heartbeatTimeoutMs),
            maxWaitMs: input.maxWaitMs,
          }),
      );
      recordPollWait(ctx.metricMeter, input.provider, Date.now() - startedAt, batch.events.length);
      return batch;
    } catch (err) {
      recordVendorError(ctx.metricMeter, err, { provider: input.provider, operation: 'poll' });
      if (isFailureType(err, FailureType.handoverRequired))
        await signalHandover(input.generation, err.message);
      if (
        isFailureType(err, FailureType.malformedResponse) &&
        ctx.info.attempt >= deps.malformedAttemptsLimit
      ) {
        // Retrying a body that stays malformed will not help: surface it as a final, typed failure.
        throw ApplicationFailure.create({
          type: err.type ?? FailureType.malformedResponse,
          message: `${err.message} (after ${ctx.info.attempt} attempts)`,
          nonRetryable: true,
          details: err.details as unknown[],
        });
      }
      throw err;
    }
  };
}

/** A third of the heartbeat timeout, at most 2 s: a poll never misses its heartbeat, however tuned. */
export function heartbeatIntervalFor(heartbeatTimeoutMs: number | undefined): number {
  if (!heartbeatTimeoutMs) return 2_000;
  return Math.max(100, Math.min(2_000, Math.floor(heartbeatTimeoutMs / 3)));
}
