// The test-stream vendor as a module the worker can enable (CHAT_BRIDGE_PROVIDERS=test-stream).
import type { ProviderModule } from '../provider-module';
import type { TestStreamConfig } from './config';
import { testStreamEnvSchema } from './env-schema';
import { providerName } from './http-client';
import { TestStreamProvider } from './test-stream-provider';

export const testStreamModule: ProviderModule<TestStreamConfig> = {
  name: providerName,
  envSchema: testStreamEnvSchema,
  create: (config, { dispatcher }) => new TestStreamProvider(config, dispatcher),
};

export { TestStreamProvider, testStreamProfile } from './test-stream-provider';
export { testStreamEnvSchema } from './env-schema';
export type { TestStreamConfig, TestStreamCredentials, TestStreamCursor } from './config';
