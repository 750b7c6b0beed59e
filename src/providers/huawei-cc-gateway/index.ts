// The Huawei CC-Gateway vendor as a module the worker can enable (CHAT_BRIDGE_PROVIDERS=huawei-cc-gateway):
// agent presences, one per agent, in push or poll mode (docs/agent-presence.md).
import type { ProviderModule } from '../provider-module';
import type { HuaweiConfig } from './config';
import { huaweiEnvSchema } from './env-schema';
import { HuaweiProvider } from './huawei-provider';
import { providerName } from './retcodes';

export const huaweiModule: ProviderModule<HuaweiConfig> = {
  name: providerName,
  envSchema: huaweiEnvSchema,
  create: (config, { dispatcher }) => new HuaweiProvider(config, dispatcher),
};

export { HuaweiProvider, huaweiProfile } from './huawei-provider';
export { huaweiEnvSchema } from './env-schema';
export { PushReceiver } from './push-receiver';
export type { HuaweiConfig } from './config';
export type { PresenceCredentials, PresenceCursor } from './presence-credentials';
export type { PresenceOptions } from './presence-options';
