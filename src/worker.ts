// The worker process: `npm run worker`. Configuration comes from the environment (see README).
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { ConfigError, loadWorkerConfig, workerTracingSettings } from './config/worker-config';
import { createBridgeWorker } from './create-worker';
import { isLoopbackAddress } from './config/temporal-connection';
import { installRuntimeWithMetrics, parseMetricsBindAddress, startOpenPollsGauge } from './metrics';
import { startTracing } from './tracing/start-tracing';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const metrics = parseMetricsBindAddress(process.env.METRICS_BIND_ADDRESS);
  const logger = new DefaultLogger(config.LOG_LEVEL);
  // The SDK would stop the workers on SIGINT/SIGTERM and close its connections; the bridge stops them
  // itself, after its hub has handed every session to another worker (below).
  const metricsAddress = installRuntimeWithMetrics(metrics, logger, []);
  const tracingSettings = workerTracingSettings(config);
  const tracing = tracingSettings ? startTracing(tracingSettings) : undefined;
  if (tracingSettings) {
    const where = tracingSettings.exporter === 'otlp' ? ` to ${tracingSettings.otlpTracesUrl}` : '';
    console.log(`chat-bridge traces exported (${tracingSettings.exporter})${where}`);
  }
  if (!isLoopbackAddress(config.TEMPORAL_ADDRESS) && !config.PAYLOAD_ENCRYPTION_KEYS) {
    console.warn(
      `chat-bridge: payloads to ${config.TEMPORAL_ADDRESS} are NOT encrypted (ALLOW_UNENCRYPTED_PAYLOADS): vendor credentials and messages are stored readable by the server`,
    );
  }
  const bridge = await createBridgeWorker(config, {
    identity: config.WORKER_IDENTITY,
    tracing,
    // Crash-only: a hub that lost its lease has let go of every connection; a supervisor (compose,
    // Kubernetes) starts a fresh process, whose new hub takes sessions as they are re-homed.
    onFenced: (reason) => {
      console.error(`connection hub lost its lease (${reason}): exiting`);
      process.exit(1);
    },
  });
  startOpenPollsGauge(Runtime.instance().metricMeter, () => bridge.hub.size);
  if (metricsAddress) console.log(`chat-bridge metrics at http://${metricsAddress}/metrics`);
  // Graceful stop: no new tasks, then the hub hands every session to another worker, each only after
  // its own requests have ended; a second signal does not wait.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.once(signal, () => process.exit(1));
      void bridge.stop(`worker received ${signal}`);
    });
  }
  console.log(
    `chat-bridge worker polling task queue '${config.CHAT_BRIDGE_TASK_QUEUE}' at ${config.TEMPORAL_ADDRESS}`,
  );
  await bridge.run();
  await bridge.shutdown();
  await tracing?.shutdown();
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
