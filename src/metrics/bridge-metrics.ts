// One-line recorders for the activities. They take the activity context's metric meter, so the SDK
// adds its own tags (namespace, task queue, activity type) and a worker without an exporter pays nothing.
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import type { VendorFailureDetails } from '../providers/vendor-failure';
import { FailureType } from '../shared/failure-types';
import { metricNames } from './metric-names';

const vendorFailureTypes: ReadonlySet<string> = new Set([
  FailureType.handoverRequired,
  FailureType.sessionGone,
  FailureType.connectionConflict,
  FailureType.malformedResponse,
  FailureType.requestRejected,
  FailureType.vendorUnavailable,
]);

export interface VendorErrorTags {
  provider: string;
  status: string;
  operation: string;
  [tag: string]: string;
}

/** Tags for a failed vendor call, or undefined when `err` is not a vendor failure (a cancellation, a bug). */
export function vendorErrorTags(
  err: unknown,
  fallback: { provider: string; operation: string },
): VendorErrorTags | undefined {
  if (!(err instanceof ApplicationFailure) || !err.type || !vendorFailureTypes.has(err.type))
    return undefined;
  const details = (err.details?.[0] ?? {}) as Partial<VendorFailureDetails>;
  const status =
    details.status !== undefined
      ? String(details.status)
      : err.type === FailureType.malformedResponse
        ? 'malformed'
        : 'network';
  return {
    provider: details.provider ?? fallback.provider,
    status,
    operation: details.operation ?? fallback.operation,
  };
}

export function recordVendorError(
  meter: MetricMeter,
  err: unknown,
  fallback: { provider: string; operation: string },
): void {
  const tags = vendorErrorTags(err, fallback);
  if (tags) meter.createCounter(metricNames.vendorErrors, '1', 'Failed vendor requests').add(1, tags);
}

export function recordHandover(meter: MetricMeter, provider: string): void {
  meter.createCounter(metricNames.handovers, '1', 'Completed vendor handovers').add(1, { provider });
}

export function recordPollWait(meter: MetricMeter, provider: string, waitedMs: number, events: number): void {
  meter
    .createHistogram(metricNames.pollWaitMs, 'int', 'ms', 'Time one receive of the hub waited for a batch')
    .record(Math.max(0, Math.round(waitedMs)), { provider, outcome: events > 0 ? 'events' : 'empty' });
}

/** `recordedAt` is the event's `at` (when the workflow recorded it); clock skew between workers clamps to 0. */
export function recordDeliveryLag(meter: MetricMeter, recordedAt: string, now = Date.now()): void {
  const lag = now - Date.parse(recordedAt);
  if (!Number.isFinite(lag)) return;
  meter
    .createHistogram(
      metricNames.deliveryLagMs,
      'int',
      'ms',
      'Agent event recorded until the channel accepted it',
    )
    .record(Math.max(0, Math.round(lag)));
}
