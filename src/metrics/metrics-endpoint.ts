// The worker's Prometheus endpoint (METRICS_BIND_ADDRESS) and the one Runtime.install that carries it.
// Runtime.install can run once per process, and it fails as a whole when the port is taken.
import { isIPv4, isIPv6 } from 'node:net';
import { Runtime, type Logger } from '@temporalio/worker';
import { ConfigError } from '../config/worker-config';
import { histogramBucketOverrides } from './metric-names';

// Loopback unless asked: a worker outside a container should not publish its metrics to the network
// (the image and the compose stack set 0.0.0.0:9464 explicitly).
export const defaultMetricsBindAddress = '127.0.0.1:9464';

export type MetricsEndpointSetting =
  | { kind: 'off' }
  /** `explicit` is false when the default was used: then a taken port is a warning, not a failure. */
  | { kind: 'bind'; address: string; explicit: boolean };

/** Parses METRICS_BIND_ADDRESS: `host:port` with an IP literal (`[::]:9464` for IPv6), or `off`. */
export function parseMetricsBindAddress(raw: string | undefined): MetricsEndpointSetting {
  const value = raw?.trim() ?? '';
  if (value === '') return { kind: 'bind', address: defaultMetricsBindAddress, explicit: false };
  if (value.toLowerCase() === 'off') return { kind: 'off' };
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  const hostOk = match?.[1] !== undefined ? isIPv6(host ?? '') : isIPv4(host ?? '');
  if (!match || !hostOk || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigError(
      `invalid worker configuration:\n  METRICS_BIND_ADDRESS: must be <ip>:<port> such as ${defaultMetricsBindAddress} ` +
        `or [::]:9464 (an IP literal, not a host name), or "off"; got "${value}"`,
    );
  }
  return { kind: 'bind', address: value, explicit: true };
}

/**
 * Installs the SDK Runtime with the Prometheus exporter. Returns the address serving `/metrics`, or
 * null when metrics are off or the default port was taken (several local workers on one machine).
 */
export function installRuntimeWithMetrics(
  setting: MetricsEndpointSetting,
  logger: Logger,
  shutdownSignals?: NodeJS.Signals[],
): string | null {
  const base = { logger, ...(shutdownSignals ? { shutdownSignals } : {}) };
  if (setting.kind === 'off') {
    Runtime.install(base);
    return null;
  }
  try {
    Runtime.install({
      ...base,
      telemetryOptions: {
        metrics: { prometheus: { bindAddress: setting.address, histogramBucketOverrides } },
      },
    });
    return setting.address;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (setting.explicit) {
      throw new ConfigError(
        `invalid worker configuration:\n  METRICS_BIND_ADDRESS: cannot serve metrics on ${setting.address}: ${reason}`,
      );
    }
    // A failed install leaves no Runtime behind, so installing again without the exporter is allowed.
    Runtime.install(base);
    logger.warn(
      `metrics endpoint disabled: ${reason} on ${setting.address}; set METRICS_BIND_ADDRESS to another address`,
    );
    return null;
  }
}
