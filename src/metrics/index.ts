// The bridge's metrics: names, activity recorders, the worker's Prometheus endpoint.
export { histogramBucketOverrides, metricNames } from './metric-names';
export {
  recordDeliveryLag,
  recordHandover,
  recordPollWait,
  recordVendorError,
  vendorErrorTags,
  type VendorErrorTags,
} from './bridge-metrics';
export {
  defaultMetricsBindAddress,
  installRuntimeWithMetrics,
  parseMetricsBindAddress,
  type MetricsEndpointSetting,
} from './metrics-endpoint';
export { startOpenPollsGauge } from './open-polls-gauge';
