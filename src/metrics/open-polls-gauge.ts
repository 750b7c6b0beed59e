// A per-worker gauge of the long polls it holds open. Sampled from the poll guard rather than kept in
// workflows: a gauge set from workflow code would be one session's last value, not a count.
import type { MetricMeter } from '@temporalio/common';
import { metricNames } from './metric-names';

export function startOpenPollsGauge(
  meter: MetricMeter,
  openPolls: () => number,
  everyMs = 5_000,
): () => void {
  const gauge = meter.createGauge(
    metricNames.openPolls,
    'int',
    '1',
    "Vendor connections (long polls, streams) this worker's hub holds",
  );
  const sample = () => gauge.set(openPolls());
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
