// Activity options per lane. Receiving is not here: the worker's connection hub holds it, and the session
// only attaches to a hub (a short activity) and hears back through signals.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { ChatActivities } from '../activities';
import { tuningFloors, type SessionTuning } from '../shared/session-types';

/** How long an attach aimed at the last hub may wait to be picked up before the session attaches anywhere. */
const hubAttachScheduleToStartMs = 30_000;
/** How long a send aimed at the holding hub may wait to be picked up before any worker sends it. */
const hubSendScheduleToStartMs = 5_000;

export function sessionActivities(tuning: SessionTuning) {
  return {
    open: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '500 ms', maximumInterval: '5 seconds', maximumAttempts: 5 },
      summary: 'open vendor session',
    }),
    /** Attach through the shared task queue: whichever worker takes it holds the connection. */
    attach: proxyActivities<ChatActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '2 seconds' },
      cancellationType: ActivityCancellationType.TRY_CANCEL,
      summary: 'attach to a connection hub',
    }),
    /** Attach (or detach) on the hub that held the connection last: it replaces its own connection in place. */
    onHub: (hubTaskQueue: string) =>
      proxyActivities<ChatActivities>({
        taskQueue: hubTaskQueue,
        scheduleToStartTimeout: hubAttachScheduleToStartMs,
        startToCloseTimeout: '30 seconds',
        retry: { initialInterval: '200 ms', maximumInterval: '2 seconds', maximumAttempts: 3 },
        cancellationType: ActivityCancellationType.TRY_CANCEL,
        summary: 'attach to the same connection hub',
      }),
    /** A send on the worker whose hub holds the connection (profile `sendWhereHeld`); any worker if it is gone. */
    sendOnHub: (hubTaskQueue: string) =>
      proxyActivities<ChatActivities>({
        taskQueue: hubTaskQueue,
        scheduleToStartTimeout: hubSendScheduleToStartMs,
        startToCloseTimeout: '30 seconds',
        retry: { initialInterval: '200 ms', maximumInterval: '2 seconds', maximumAttempts: 3 },
        summary: 'send to vendor, from the worker holding the connection',
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
    /** Limits, download, delete: a download streams up to the vendor's file size limit. */
    file: proxyActivities<ChatActivities>({
      startToCloseTimeout: '2 minutes',
      retry: {
        initialInterval: '500 ms',
        backoffCoefficient: 2,
        maximumInterval: '5 seconds',
        maximumAttempts: 5,
      },
      summary: 'file request to vendor',
    }),
    /**
     * A file send: fetched from the caller's URL, then uploaded; minutes, not seconds. Few attempts: a
     * file that keeps failing is refused (send-lane), and a repeat is looked for before it is resent.
     */
    sendFile: proxyActivities<ChatActivities>({
      startToCloseTimeout: '3 minutes',
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '10 seconds',
        maximumAttempts: 3,
      },
      summary: 'send a file to vendor',
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
    deliverWithin: deliverWithin(tuning.deliveryMaxBackoffMs),
  };
}

/**
 * The deliver activity, retried with backoff until the webhook takes the batch or `ms` pass (the delivery
 * horizon of its oldest event). A cancelled delivery is waited for, so the next run never posts beside it.
 * `maxBackoffMs` comes from an effective tuning (effectiveTuning), so it is never below the initial interval.
 */
export function deliverWithin(maxBackoffMs: number) {
  return (ms: number) =>
    proxyActivities<ChatActivities>({
      scheduleToCloseTimeout: ms,
      startToCloseTimeout: '5 minutes',
      heartbeatTimeout: '30 seconds',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: {
        initialInterval: tuningFloors.deliveryMaxBackoffMs,
        backoffCoefficient: 2,
        maximumInterval: maxBackoffMs, // at least the floor: the tuning is the effective one
      },
      summary: 'deliver to channel webhook',
    });
}
