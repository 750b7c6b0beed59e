// The Genesys Engage GMS chat v2 vendor as a module the worker can enable (CHAT_BRIDGE_PROVIDERS=genesys-gms).
import type { ProviderModule } from '../provider-module';
import type { GmsConfig } from './config';
import { gmsEnvSchema } from './env-schema';
import { GmsProvider } from './gms-provider';
import { providerName } from './reply-failures';

export const gmsModule: ProviderModule<GmsConfig> = {
  name: providerName,
  envSchema: gmsEnvSchema,
  create: (config, { dispatcher }) => new GmsProvider(config, dispatcher),
};

export { GmsProvider, gmsProfile } from './gms-provider';
export { gmsEnvSchema } from './env-schema';
export type { GmsConfig, GmsCursor } from './config';
export type { GmsCredentials } from './wire-schemas';
