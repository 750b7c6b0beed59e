// The bridge's own metric names and histogram buckets, next to the SDK's `temporal_*` metrics on the
// worker's Prometheus endpoint. One place, so dashboards, OPERATIONS.md and the e2e test agree.
export const metricNames = {
  /** Counter, tags provider/status/operation: failed vendor requests (status is the HTTP code, `network` or `malformed`). */
  vendorErrors: 'chat_bridge_vendor_errors',
  /** Counter, tag provider: completed handovers (reconnectSession succeeded). */
  handovers: 'chat_bridge_handovers',
  /** Histogram, tags provider/outcome: how long one receive of the hub waited before returning a batch. */
  pollWaitMs: 'chat_bridge_poll_wait_ms',
  /** Histogram: agent event recorded → accepted by the channel webhook. */
  deliveryLagMs: 'chat_bridge_delivery_lag_ms',
  /** Gauge: long polls this worker holds open right now (≈ sessions it keeps alive). */
  openPolls: 'chat_bridge_open_polls',
} as const;

// The exporter's default buckets stop at 10 s; a poll legitimately waits minutes and a webhook outage
// stretches delivery lag far beyond that.
export const histogramBucketOverrides: Record<string, number[]> = {
  [metricNames.pollWaitMs]: [50, 250, 1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000],
  [metricNames.deliveryLagMs]: [
    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000,
  ],
};
