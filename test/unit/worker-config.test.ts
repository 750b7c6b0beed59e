import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { z } from 'zod';
import { temporalConnectionOptions, temporalConnectionProblems } from '../../src/config/temporal-connection';
import { ConfigError, loadWorkerConfig, workerTracingSettings } from '../../src/config/worker-config';
import { createProviderRegistry, providerModules } from '../../src/providers/enabled-providers';
import type { ProviderModule } from '../../src/providers/provider-module';
import type { LiveAgentConfig } from '../../src/providers/salesforce-live-agent';

const valid = {
  LIVE_AGENT_URL: 'https://d.example.test/chat/rest/',
  LIVE_AGENT_ORG_ID: '00D000000000001AAA',
  LIVE_AGENT_DEPLOYMENT_ID: '572000000000001AAA',
  LIVE_AGENT_BUTTON_ID: '573000000000001AAA',
  WEBHOOK_SECRET: 'a-secret-of-enough-length',
};

/** Loading `env` fails with one ConfigError whose message matches every pattern. */
function assertConfigError(env: Record<string, string | undefined>, ...patterns: RegExp[]): void {
  assertThrowsConfigError(() => loadWorkerConfig(env), ...patterns);
}

function assertThrowsConfigError(load: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(load, (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    for (const pattern of patterns) assert.match(err.message, pattern);
    return true;
  });
}

describe('worker configuration', () => {
  it('fills defaults for a valid environment', () => {
    const config = loadWorkerConfig(valid);
    assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.deepEqual(config.CHAT_BRIDGE_PROVIDERS, ['salesforce-live-agent']);
    assert.equal(config.WORKER_MAX_CONCURRENT_ACTIVITIES, 2000);
    assert.deepEqual(Object.keys(config.providerEnv), ['salesforce-live-agent']);
    const liveAgent = config.providerEnv['salesforce-live-agent'] as LiveAgentConfig;
    assert.deepEqual(liveAgent, {
      baseUrl: 'https://d.example.test/chat/rest/',
      apiVersion: '52',
      organizationId: '00D000000000001AAA',
      deploymentId: '572000000000001AAA',
      buttonId: '573000000000001AAA',
      requestTimeoutMs: 10_000,
      maxBodyBytes: 4 * 1024 * 1024,
    });
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
      /WEBHOOK_SECRET: must have at least 16 non-blank characters/,
      /LIVE_AGENT_ORG_ID: .*\(not set\)/,
    );
  });

  it('refuses a blank-padded webhook secret; WEBHOOK_SECRET_NEXT is optional and checked the same way', () => {
    assertConfigError({ ...valid, WEBHOOK_SECRET: ' '.repeat(20) }, /WEBHOOK_SECRET: must have at least 16/);
    assertConfigError(
      { ...valid, WEBHOOK_SECRET_NEXT: 'short' },
      /WEBHOOK_SECRET_NEXT: must have at least 16/,
    );
    assert.equal(loadWorkerConfig({ ...valid, WEBHOOK_SECRET_NEXT: '' }).WEBHOOK_SECRET_NEXT, undefined);
    assert.equal(
      loadWorkerConfig({ ...valid, WEBHOOK_SECRET_NEXT: 'the-next-secret-16+' }).WEBHOOK_SECRET_NEXT,
      'the-next-secret-16+',
    );
  });

  it('an API key (Temporal Cloud) turns TLS on and reaches the connection; a namespace is taken as given', () => {
    const config = loadWorkerConfig({
      ...valid,
      TEMPORAL_API_KEY: 'cloud-api-key',
      TEMPORAL_NAMESPACE: 'chat.a1b2c',
      TEMPORAL_ADDRESS: 'chat.a1b2c.tmprl.cloud:7233',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    assert.equal(config.TEMPORAL_NAMESPACE, 'chat.a1b2c');
    assert.deepEqual(temporalConnectionOptions(config), {
      address: 'chat.a1b2c.tmprl.cloud:7233',
      tls: {},
      apiKey: 'cloud-api-key',
    });
    assert.deepEqual(temporalConnectionProblems({ ...config, TEMPORAL_TLS: false }), [
      '  TEMPORAL_TLS: false, but TLS files or TEMPORAL_API_KEY are set',
    ]);
  });

  it('refuses a Live Agent API version below 37 (ReconnectSession, the failover handover, needs it)', () => {
    assertConfigError(
      { ...valid, LIVE_AGENT_API_VERSION: '36' },
      /LIVE_AGENT_API_VERSION: must be 37 or later/,
    );
    assert.doesNotThrow(() => loadWorkerConfig({ ...valid, LIVE_AGENT_API_VERSION: '37' }));
  });

  it('rejects a non-numeric limit', () => {
    assert.throws(
      () => loadWorkerConfig({ ...valid, WORKER_MAX_CONCURRENT_ACTIVITIES: 'lots' }),
      /WORKER_MAX_CONCURRENT_ACTIVITIES/,
    );
    for (const [name, value] of [
      ['MALFORMED_ATTEMPTS_LIMIT', '0'],
      ['MALFORMED_ATTEMPTS_LIMIT', '101'],
      ['WEBHOOK_TIMEOUT_MS', '5'],
      ['WEBHOOK_TIMEOUT_MS', '600000'],
      ['WORKER_MAX_CONCURRENT_ACTIVITIES', '1000000'],
    ] as const) {
      assert.throws(
        () => loadWorkerConfig({ ...valid, [name]: value }),
        new RegExp(name),
        `${name}=${value}`,
      );
    }
    assert.throws(
      () => loadWorkerConfig({ ...valid, MALFORMED_ATTEMPTS_LIMIT: '-5' }),
      /MALFORMED_ATTEMPTS_LIMIT/,
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

  describe('providers (CHAT_BRIDGE_PROVIDERS)', () => {
    const other: ProviderModule<{ url: string }> = {
      name: 'other-vendor',
      envSchema: z
        .object({ OTHER_VENDOR_URL: z.url({ message: 'must be the vendor URL' }) })
        .transform((env) => ({ url: env.OTHER_VENDOR_URL })),
      create: () => {
        throw new Error('not built in this test');
      },
    };
    const modules = [...providerModules, other];
    const base = { WEBHOOK_SECRET: valid.WEBHOOK_SECRET };

    it('does not require the Live Agent variables when only another provider is enabled', () => {
      const config = loadWorkerConfig(
        { ...base, CHAT_BRIDGE_PROVIDERS: ' other-vendor ', OTHER_VENDOR_URL: 'https://other.test/' },
        modules,
      );
      assert.deepEqual(config.CHAT_BRIDGE_PROVIDERS, ['other-vendor']);
      assert.deepEqual(config.providerEnv, { 'other-vendor': { url: 'https://other.test/' } });
    });

    it('validates every enabled provider, naming their variables in one error', () => {
      assertThrowsConfigError(
        () =>
          loadWorkerConfig(
            { ...base, CHAT_BRIDGE_PROVIDERS: 'salesforce-live-agent,other-vendor', LIVE_AGENT_URL: 'x' },
            modules,
          ),
        /LIVE_AGENT_URL: must be the Chat API endpoint URL/,
        /LIVE_AGENT_ORG_ID: .*\(not set\)/,
        /OTHER_VENDOR_URL: .*\(not set\)/,
      );
    });

    it('genesys-gms: needs GMS_SERVICE_URL, and refreshes that fit the flex-disconnect timeout three times', () => {
      assertConfigError(
        { ...valid, CHAT_BRIDGE_PROVIDERS: 'genesys-gms' },
        /GMS_SERVICE_URL: must be the GMS chat service URL.*\(not set\)/,
      );
      assertConfigError(
        {
          ...valid,
          CHAT_BRIDGE_PROVIDERS: 'genesys-gms',
          GMS_SERVICE_URL: 'http://127.0.0.1:8092/genesys/2/chat/customer-support',
          GMS_REFRESH_INTERVAL_MS: '20000',
          GMS_FLEX_DISCONNECT_TIMEOUT_MS: '45000',
        },
        /GMS_REFRESH_INTERVAL_MS: must be at most a third of GMS_FLEX_DISCONNECT_TIMEOUT_MS/,
      );
    });

    it('huawei-cc-gateway: needs HUAWEI_GATEWAY_URL, and handshakes that fit the sign-out limit three times', () => {
      assertConfigError(
        { ...valid, CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway' },
        /HUAWEI_GATEWAY_URL: must be the CC-Gateway base URL.*\(not set\)/,
      );
      assertConfigError(
        {
          ...valid,
          CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway',
          HUAWEI_GATEWAY_URL: 'http://127.0.0.1:8043',
          HUAWEI_HANDSHAKE_INTERVAL_MS: '60000',
        },
        /HUAWEI_HANDSHAKE_INTERVAL_MS: must be at most a third of HUAWEI_SIGN_OUT_AFTER_MS/,
      );
      assertConfigError(
        {
          ...valid,
          CHAT_BRIDGE_PROVIDERS: 'huawei-cc-gateway',
          HUAWEI_GATEWAY_URL: 'http://127.0.0.1:8043',
          HUAWEI_PUSH_PORT: '70000',
        },
        /HUAWEI_PUSH_PORT/,
      );
    });

    it('refuses an unknown provider name, listing the known ones', () => {
      assertConfigError(
        { ...valid, CHAT_BRIDGE_PROVIDERS: 'salesforce-live-agent,genesys' },
        /CHAT_BRIDGE_PROVIDERS: unknown provider 'genesys' \(known: salesforce-live-agent, genesys-gms, huawei-cc-gateway, test-stream\)/,
      );
    });

    it('refuses an empty name in the list; blank means the default', () => {
      assertConfigError(
        { ...valid, CHAT_BRIDGE_PROVIDERS: 'salesforce-live-agent,,' },
        /CHAT_BRIDGE_PROVIDERS: must be a comma-separated list/,
      );
      assert.deepEqual(loadWorkerConfig({ ...valid, CHAT_BRIDGE_PROVIDERS: ' ' }).CHAT_BRIDGE_PROVIDERS, [
        'salesforce-live-agent',
      ]);
    });

    it('createProviderRegistry builds the enabled providers, or fails like the worker configuration', async () => {
      const dispatcher = new Agent();
      try {
        const registry = createProviderRegistry(valid, ['salesforce-live-agent'], dispatcher);
        assert.deepEqual(registry.names(), ['salesforce-live-agent']);
        assert.equal(registry.get('salesforce-live-agent').profile.transport, 'longPoll');
        assertThrowsConfigError(
          () => createProviderRegistry(base, ['salesforce-live-agent'], dispatcher),
          /LIVE_AGENT_URL: .*\(not set\)/,
        );
        assertThrowsConfigError(
          () => createProviderRegistry(valid, ['nobody'], dispatcher),
          /unknown provider 'nobody' \(known: salesforce-live-agent, genesys-gms, huawei-cc-gateway, test-stream\)/,
        );
      } finally {
        await dispatcher.close();
      }
    });
  });
});
