// Activity options per lane. The poll is the delicate one: a short heartbeat timeout moves a crashed
// worker's poll elsewhere well inside the vendor's session timeout, and cancellation waits until the
// HTTP request has really ended, so a new poll never overlaps the old one.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { ChatActivities } from '../activities';
import type { SessionTuning } from '../shared/session-types';

export function sessionActivities(tuning: SessionTuning) {
  return {
    open: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '500 ms', maximumInterval: '5 seconds', maximumAttempts: 5 },
      summary: 'open vendor session',
    }),
    poll: proxyActivities<ChatActivities>({
      startToCloseTimeout: tuning.pollActivityMaxMs + 120_000,
      heartbeatTimeout: tuning.pollHeartbeatTimeoutMs,
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
    reconnect: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '5 seconds' },
      summary: 'handover: reconnect vendor session',
    }),
    deliver: proxyActivities<ChatActivities>({
      startToCloseTimeout: '5 minutes',
      heartbeatTimeout: '30 seconds',
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: tuning.deliveryMaxBackoffMs,
      },
      summary: 'deliver to channel webhook',
    }),
  };
}
