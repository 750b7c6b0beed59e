import assert from 'node:assert/strict';
import { ConfigError, loadWorkerConfig } from '../../src/config/worker-config';

const valid = {
  LIVE_AGENT_URL: 'https://d.example.test/chat/rest/',
  LIVE_AGENT_ORG_ID: '00D000000000001AAA',
  LIVE_AGENT_DEPLOYMENT_ID: '572000000000001AAA',
  LIVE_AGENT_BUTTON_ID: '573000000000001AAA',
  WEBHOOK_SECRET: 'a-secret-of-enough-length',
};

describe('worker configuration', () => {
  it('fills defaults for a valid environment', () => {
    const config = loadWorkerConfig(valid);
    assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(config.LIVE_AGENT_API_VERSION, '52');
    assert.equal(config.WORKER_MAX_CONCURRENT_ACTIVITIES, 2000);
  });

  it('names every bad or missing setting in one error', () => {
    assert.throws(
      () =>
        loadWorkerConfig({
          ...valid,
          LIVE_AGENT_URL: 'https://x.test/other/',
          WEBHOOK_SECRET: 'short',
          LIVE_AGENT_ORG_ID: undefined,
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /LIVE_AGENT_URL: must end with \/chat\/rest\//);
        assert.match(err.message, /WEBHOOK_SECRET: must be at least 16 characters/);
        assert.match(err.message, /LIVE_AGENT_ORG_ID: .*\(not set\)/);
        return true;
      },
    );
  });

  it('rejects a non-numeric limit', () => {
    assert.throws(
      () => loadWorkerConfig({ ...valid, WORKER_MAX_CONCURRENT_ACTIVITIES: 'lots' }),
      /WORKER_MAX_CONCURRENT_ACTIVITIES/,
    );
  });
});
