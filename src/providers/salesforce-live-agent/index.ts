// Salesforce Live Agent (legacy Chat REST, visitor side) as a provider module: its environment and how
// to build the provider from it. Enabled by CHAT_BRIDGE_PROVIDERS=salesforce-live-agent (the default).
import { z } from 'zod';
import { envInt } from '../../config/env-schema';
import type { ProviderModule } from '../provider-module';
import type { LiveAgentConfig } from './config';
import { providerName } from './http-client';
import { LiveAgentProvider } from './live-agent-provider';

export { LiveAgentProvider, liveAgentProfile } from './live-agent-provider';
export type { LiveAgentConfig } from './config';

/** The LIVE_AGENT_* variables, read only when this provider is enabled. */
export const liveAgentEnvSchema = z
  .object({
    LIVE_AGENT_URL: z
      .url({ message: 'must be the Chat API endpoint URL, ending in /chat/rest/' })
      .refine((u) => u.endsWith('/chat/rest/'), 'must end with /chat/rest/'),
    // ReconnectSession (the failover handover) exists from API version 37 on (docs/protocols §1.8).
    LIVE_AGENT_API_VERSION: z
      .string()
      .regex(/^\d+$/, 'must be an integer such as 52')
      .refine((v) => Number(v) >= 37, 'must be 37 or later (ReconnectSession needs it)')
      .default('52'),
    LIVE_AGENT_ORG_ID: z
      .string()
      .regex(/^00D[0-9A-Za-z]{12,15}$/, 'must be a 15 or 18 character 00D… organization id'),
    LIVE_AGENT_DEPLOYMENT_ID: z.string().regex(/^572[0-9A-Za-z]{12,15}$/, 'must be a 572… deployment id'),
    LIVE_AGENT_BUTTON_ID: z.string().regex(/^573[0-9A-Za-z]{12,15}$/, 'must be a 573… button id'),
    LIVE_AGENT_REQUEST_TIMEOUT_MS: envInt(10_000),
    /** The largest answer read (bytes); a bigger one is a malformed answer, and memory stays bounded. */
    LIVE_AGENT_MAX_BODY_BYTES: envInt(4 * 1024 * 1024, 1024),
  })
  .transform((env): LiveAgentConfig => ({
    baseUrl: env.LIVE_AGENT_URL,
    apiVersion: env.LIVE_AGENT_API_VERSION,
    organizationId: env.LIVE_AGENT_ORG_ID,
    deploymentId: env.LIVE_AGENT_DEPLOYMENT_ID,
    buttonId: env.LIVE_AGENT_BUTTON_ID,
    requestTimeoutMs: env.LIVE_AGENT_REQUEST_TIMEOUT_MS,
    maxBodyBytes: env.LIVE_AGENT_MAX_BODY_BYTES,
  }));

export const liveAgentModule: ProviderModule<LiveAgentConfig> = {
  name: providerName,
  envSchema: liveAgentEnvSchema,
  create: (config, { dispatcher }) => new LiveAgentProvider(config, dispatcher),
};
