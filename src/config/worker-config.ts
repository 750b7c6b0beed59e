// Worker configuration from the environment, validated once at start: a bad setting stops the worker
// with a message naming it, instead of failing sessions later. The worker's own variables are here;
// each vendor's (LIVE_AGENT_*, …) belong to its module and are read only when CHAT_BRIDGE_PROVIDERS
// enables it (src/providers/enabled-providers.ts).
import { z } from 'zod';
import { parseCodecKeys } from '../codec/codec-keys';
import { providerModules, validateProviderEnv, type ProviderEnv } from '../providers/enabled-providers';
import type { ProviderModule } from '../providers/provider-module';
import { defaultTaskQueue } from '../shared/task-queue';
import { otlpTracesUrl, type TracingSettings } from '../tracing/tracing-settings';
import { ConfigError, envInt as int, envIssueLines, unsetIfBlank } from './env-schema';
import { minSecretLength } from '../webhooks/signature';
import {
  isLoopbackAddress,
  temporalConnectionEnvShape,
  temporalConnectionProblems,
} from './temporal-connection';

// Blank-padded secrets count only their non-blank characters: '                ' is no HMAC key.
const webhookSecret = z
  .string()
  .refine(
    (s) => s.trim().length >= minSecretLength,
    `must have at least ${minSecretLength} non-blank characters (HMAC key for webhook signatures)`,
  );

export { ConfigError };
export type { ProviderEnv };

/** The default of CHAT_BRIDGE_PROVIDERS. */
export const defaultProviders = ['salesforce-live-agent'];

const providerListMessage = 'must be a comma-separated list of provider names such as salesforce-live-agent';

export const workerEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ...temporalConnectionEnvShape,
  CHAT_BRIDGE_TASK_QUEUE: z.string().min(1).default(defaultTaskQueue),
  // `name,…`: the vendors this worker serves; only their variables are read (each module's envSchema).
  CHAT_BRIDGE_PROVIDERS: unsetIfBlank(
    z
      .string()
      .transform((value, ctx) => {
        const names = value.split(',').map((name) => name.trim());
        if (names.some((name) => name === '')) {
          ctx.addIssue({ code: 'custom', message: providerListMessage });
          return z.NEVER;
        }
        return [...new Set(names)];
      })
      .default(defaultProviders),
  ),
  WEBHOOK_SECRET: webhookSecret,
  /** During a secret rotation: deliveries carry a second `v1` signature made with this secret. */
  WEBHOOK_SECRET_NEXT: unsetIfBlank(webhookSecret.optional()),
  // A delivery that takes longer is a receiver problem; the hub's link waits for each POST in turn.
  WEBHOOK_TIMEOUT_MS: int(10_000, 100, 120_000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: int(2_000, 1, 100_000),
  WORKER_MAX_CACHED_WORKFLOWS: int(2_000, 0, 1_000_000),
  // In a row, before a receive gives up: past 100 a vendor that stays broken would be polled for hours.
  MALFORMED_ATTEMPTS_LIMIT: int(3, 1, 100),
  // `id:base64key,…`, newest last; unset or blank = payloads are not encrypted. Errors never echo keys.
  PAYLOAD_ENCRYPTION_KEYS: z
    .string()
    .transform((value, ctx) => {
      if (value.trim() === '') return undefined;
      try {
        return parseCodecKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  LOG_LEVEL: unsetIfBlank(
    z
      .string()
      .transform((v) => v.toUpperCase())
      .pipe(
        z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'], {
          message: 'must be TRACE, DEBUG, INFO, WARN or ERROR',
        }),
      )
      .default('INFO'),
  ),
  WORKER_IDENTITY: unsetIfBlank(z.string().min(1).max(256).optional()),
  // Tracing (opt-in): the standard OpenTelemetry variables; OTEL_EXPORTER_OTLP_HEADERS and OTEL_BSP_*
  // are read by the exporter and the batch processor themselves.
  OTEL_TRACES_EXPORTER: unsetIfBlank(
    z
      .enum(['none', 'otlp', 'console'], { message: 'must be none (the default), otlp or console' })
      .default('none'),
  ),
  OTEL_SERVICE_NAME: unsetIfBlank(z.string().default('temporal-chat-bridge-worker')),
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetIfBlank(
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://collector:4318' })
      .optional(),
  ),
  // `key=value,…` for the collector (read by the exporter itself); often a credential, never echoed.
  OTEL_EXPORTER_OTLP_HEADERS: unsetIfBlank(z.string().optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: unsetIfBlank(
    z
      .url({
        protocol: /^https?$/,
        message: 'must be an http(s) URL such as http://collector:4318/v1/traces',
      })
      .optional(),
  ),
});

/**
 * A worker's validated configuration: the worker's own variables (CHAT_BRIDGE_PROVIDERS parsed to a
 * list of names) plus `providerEnv`, one entry per enabled provider keyed by its name, each the
 * provider module's validated configuration (for Live Agent, a LiveAgentConfig built from LIVE_AGENT_*).
 * `providerRegistryFor(config.providerEnv, dispatcher)` builds the providers from it.
 */
export type WorkerEnv = z.infer<typeof workerEnvSchema> & { providerEnv: ProviderEnv };

/** The tracing settings of a worker, or undefined when OTEL_TRACES_EXPORTER is `none`. */
export function workerTracingSettings(config: WorkerEnv): TracingSettings | undefined {
  if (config.OTEL_TRACES_EXPORTER === 'none') return undefined;
  return {
    exporter: config.OTEL_TRACES_EXPORTER,
    serviceName: config.OTEL_SERVICE_NAME,
    otlpTracesUrl: otlpTracesUrl(config),
  };
}

/**
 * Validates `env`: the worker's variables, then the variables of every provider CHAT_BRIDGE_PROVIDERS
 * enables (among `modules`, all of this build's by default). Throws one ConfigError naming every bad
 * or missing variable and any unknown provider name.
 */
export function loadWorkerConfig(
  env: Record<string, string | undefined> = process.env,
  modules: readonly ProviderModule[] = providerModules,
): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(env);
  const problems = parsed.success ? [] : envIssueLines(parsed.error, env);
  // The vendors' variables are checked even when other worker variables are bad, so one error names
  // everything; a bad CHAT_BRIDGE_PROVIDERS itself is among the issues above.
  const list = workerEnvSchema.shape.CHAT_BRIDGE_PROVIDERS.safeParse(env.CHAT_BRIDGE_PROVIDERS);
  const enabled = list.success ? list.data : [];
  const providers = validateProviderEnv(env, enabled, modules);
  if (!providers.ok) problems.push(...providers.problems);
  if (parsed.success) {
    problems.push(...temporalConnectionProblems(parsed.data));
    const remote = !isLoopbackAddress(parsed.data.TEMPORAL_ADDRESS);
    if (remote && !parsed.data.PAYLOAD_ENCRYPTION_KEYS && parsed.data.ALLOW_UNENCRYPTED_PAYLOADS !== true) {
      problems.push(
        `  PAYLOAD_ENCRYPTION_KEYS: not set, and ${parsed.data.TEMPORAL_ADDRESS} is not this machine: set keys, or ALLOW_UNENCRYPTED_PAYLOADS=true to store credentials and messages readable by the server`,
      );
    }
  }
  if (parsed.success && providers.ok && problems.length === 0) {
    return { ...parsed.data, providerEnv: providers.providerEnv };
  }
  throw new ConfigError(`invalid worker configuration:\n${problems.join('\n')}`);
}
