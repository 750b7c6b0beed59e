// The vendors this build knows, and the ones a worker enables (CHAT_BRIDGE_PROVIDERS). Adding a vendor
// means adding its folder (src/providers/<vendor>/index.ts exporting a ProviderModule) and one line in
// `providerModules`; a worker reads and validates only the enabled vendors' variables.
import type { Dispatcher } from 'undici';
import { ConfigError, envIssueLines } from '../config/env-schema';
import type { ProviderModule } from './provider-module';
import { ProviderRegistry } from './registry';
import { gmsModule } from './genesys-gms';
import { huaweiModule } from './huawei-cc-gateway';
import { liveAgentModule } from './salesforce-live-agent';
import { testStreamModule } from './test-stream';

/** Every vendor module of this build, by name. */
export const providerModules: readonly ProviderModule[] = [
  liveAgentModule,
  gmsModule as ProviderModule,
  huaweiModule as ProviderModule,
  // Our own streaming test vendor (docs/test-stream-protocol.md): proves the core is vendor-neutral.
  testStreamModule as ProviderModule,
];

/**
 * The validated configuration of each enabled provider, keyed by provider name (the order of
 * CHAT_BRIDGE_PROVIDERS). A value is that module's `envSchema` output, read only by its `create`.
 */
export type ProviderEnv = Readonly<Record<string, unknown>>;

/**
 * Validates the enabled modules' variables. Returns the configurations, or one line per problem
 * (an unknown provider name, each bad or missing variable) for the caller's ConfigError.
 */
export function validateProviderEnv(
  env: Record<string, string | undefined>,
  enabled: readonly string[],
  modules: readonly ProviderModule[] = providerModules,
): { ok: true; providerEnv: ProviderEnv } | { ok: false; problems: string[] } {
  const providerEnv: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of enabled) {
    const vendor = modules.find((m) => m.name === name);
    if (!vendor) {
      const known = modules.map((m) => m.name).join(', ');
      problems.push(`  CHAT_BRIDGE_PROVIDERS: unknown provider '${name}' (known: ${known})`);
      continue;
    }
    const parsed = vendor.envSchema.safeParse(env);
    if (parsed.success) providerEnv[name] = parsed.data;
    else problems.push(...envIssueLines(parsed.error, env));
  }
  return problems.length === 0 ? { ok: true, providerEnv } : { ok: false, problems };
}

/** Builds the providers from configurations `validateProviderEnv` (or `loadWorkerConfig`) produced. */
export function providerRegistryFor(
  providerEnv: ProviderEnv,
  dispatcher: Dispatcher,
  modules: readonly ProviderModule[] = providerModules,
): ProviderRegistry {
  return new ProviderRegistry(
    Object.entries(providerEnv).map(([name, config]) => {
      const vendor = modules.find((m) => m.name === name);
      if (!vendor) throw new ConfigError(`no provider module named '${name}' in this build`);
      return vendor.create(config, { dispatcher });
    }),
  );
}

/**
 * Validates the enabled providers' variables in `env` and builds them on `dispatcher`. Throws a
 * ConfigError naming every bad or missing variable, and any unknown name with the known ones.
 */
export function createProviderRegistry(
  env: Record<string, string | undefined>,
  enabled: readonly string[],
  dispatcher: Dispatcher,
  modules: readonly ProviderModule[] = providerModules,
): ProviderRegistry {
  const result = validateProviderEnv(env, enabled, modules);
  if (!result.ok) throw new ConfigError(`invalid provider configuration:\n${result.problems.join('\n')}`);
  return providerRegistryFor(result.providerEnv, dispatcher, modules);
}
