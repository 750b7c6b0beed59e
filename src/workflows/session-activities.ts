// Activity options per lane. The poll is the delicate one: a short heartbeat timeout moves a crashed
// worker's poll elsewhere well inside the vendor's session timeout, and cancellation waits until the
// HTTP request has really ended, so a new poll never overlaps the old one.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { ChatActivities } from '../activities';
import { tuningFloors, type SessionTuning } from '../shared/session-types';

export function sessionActivities(tuning: SessionTuning) {
  return {
    open: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '500 ms', maximumInterval: '5 seconds', maximumAttempts: 5 },
      summary: 'open vendor session',
    }),
    poll: proxyActivities<ChatActivities>({
      startToCloseTimeout: tuning.pollActivityMaxMs + 120_000,
      heartbeatTimeout: Math.max(tuningFloors.pollHeartbeatTimeoutMs, tuning.pollHeartbeatTimeoutMs),
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '2 seconds' },
      summary: 'long-poll vendor events',
    }),
    send: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: {
        initialInterval: '200 ms',
        backoffCoefficient: 2,
        maximumInterval: '5 seconds',
        maximumAttempts: 10,
      },
      summary: 'send to vendor',
    }),
    // Bounded: the handover lane retries a failover or an outage itself, with backoff, until the vendor
    // answers or ends the session; a body that stays malformed ends it.
    reconnect: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: {
        initialInterval: '200 ms',
        backoffCoefficient: 2,
        maximumInterval: '5 seconds',
        maximumAttempts: 8,
      },
      summary: 'handover: reconnect vendor session',
    }),
    // Waits for a cancelled delivery to stop, so the next run never posts beside it (order is kept).
    deliver: proxyActivities<ChatActivities>({
      startToCloseTimeout: '5 minutes',
      heartbeatTimeout: '30 seconds',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: {
        initialInterval: tuningFloors.deliveryMaxBackoffMs,
        backoffCoefficient: 2,
        maximumInterval: Math.max(tuningFloors.deliveryMaxBackoffMs, tuning.deliveryMaxBackoffMs),
      },
      summary: 'deliver to channel webhook',
    }),
  };
}
