import assert from 'node:assert/strict';
import { ConfigError, loadWorkerConfig, workerTracingSettings } from '../../src/config/worker-config';

const valid = {
  LIVE_AGENT_URL: 'https://d.example.test/chat/rest/',
  LIVE_AGENT_ORG_ID: '00D000000000001AAA',
  LIVE_AGENT_DEPLOYMENT_ID: '572000000000001AAA',
  LIVE_AGENT_BUTTON_ID: '573000000000001AAA',
  WEBHOOK_SECRET: 'a-secret-of-enough-length',
};

/** Loading `env` fails with one ConfigError whose message matches every pattern. */
function assertConfigError(env: Record<string, string | undefined>, ...patterns: RegExp[]): void {
  assert.throws(
    () => loadWorkerConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const pattern of patterns) assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('worker configuration', () => {
  it('fills defaults for a valid environment', () => {
    const config = loadWorkerConfig(valid);
    assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(config.LIVE_AGENT_API_VERSION, '52');
    assert.equal(config.WORKER_MAX_CONCURRENT_ACTIVITIES, 2000);
  });

  it('names every bad or missing setting in one error', () => {
    assertConfigError(
      {
        ...valid,
        LIVE_AGENT_URL: 'https://x.test/other/',
        WEBHOOK_SECRET: 'short',
        LIVE_AGENT_ORG_ID: undefined,
      },
      /LIVE_AGENT_URL: must end with \/chat\/rest\//,
      /WEBHOOK_SECRET: must be at least 16 characters/,
      /LIVE_AGENT_ORG_ID: .*\(not set\)/,
    );
  });

  it('rejects a non-numeric limit', () => {
    assert.throws(
      () => loadWorkerConfig({ ...valid, WORKER_MAX_CONCURRENT_ACTIVITIES: 'lots' }),
      /WORKER_MAX_CONCURRENT_ACTIVITIES/,
    );
  });

  it('leaves tracing off unless OTEL_TRACES_EXPORTER names an exporter; blank means unset', () => {
    assert.equal(workerTracingSettings(loadWorkerConfig(valid)), undefined);
    assert.equal(
      workerTracingSettings(
        loadWorkerConfig({ ...valid, OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }),
      ),
      undefined,
    );
    assert.deepEqual(workerTracingSettings(loadWorkerConfig({ ...valid, OTEL_TRACES_EXPORTER: 'otlp' })), {
      exporter: 'otlp',
      serviceName: 'temporal-chat-bridge-worker',
      otlpTracesUrl: 'http://localhost:4318/v1/traces',
    });
  });

  it('finds the OTLP traces URL by the specification: the signal variable as given, else endpoint + /v1/traces', () => {
    const otlp = { ...valid, OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'bridge-eu' };
    const general = loadWorkerConfig({ ...otlp, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    assert.equal(workerTracingSettings(general)?.otlpTracesUrl, 'http://collector:4318/v1/traces');
    assert.equal(workerTracingSettings(general)?.serviceName, 'bridge-eu');
    const specific = loadWorkerConfig({
      ...otlp,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.test/ingest',
    });
    assert.equal(workerTracingSettings(specific)?.otlpTracesUrl, 'https://traces.example.test/ingest');
  });

  it('rejects an unknown traces exporter and a malformed OTLP endpoint, naming both', () => {
    assertConfigError(
      { ...valid, OTEL_TRACES_EXPORTER: 'jaeger', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /OTEL_TRACES_EXPORTER: must be none \(the default\), otlp or console/,
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/,
    );
  });

  it('reads LOG_LEVEL in any case and refuses an unknown level instead of logging everything', () => {
    assert.equal(loadWorkerConfig(valid).LOG_LEVEL, 'INFO');
    assert.equal(loadWorkerConfig({ ...valid, LOG_LEVEL: 'warn' }).LOG_LEVEL, 'WARN');
    assert.throws(
      () => loadWorkerConfig({ ...valid, LOG_LEVEL: 'verbose' }),
      /LOG_LEVEL: must be TRACE, DEBUG, INFO, WARN or ERROR/,
    );
  });
});
