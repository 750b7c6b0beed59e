// Worker configuration from the environment, validated once at start: a bad setting stops the worker
// with a message naming it, instead of failing sessions later.
import { z } from 'zod';
import { parseCodecKeys } from '../codec/codec-keys';
import { defaultTaskQueue } from '../shared/task-queue';
import { otlpTracesUrl, type TracingSettings } from '../tracing/tracing-settings';

/** A blank variable counts as unset (compose files often pass `${VAR:-}`). */
const unsetIfBlank = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

export const workerEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  CHAT_BRIDGE_TASK_QUEUE: z.string().min(1).default(defaultTaskQueue),
  LIVE_AGENT_URL: z
    .url({ message: 'must be the Chat API endpoint URL, ending in /chat/rest/' })
    .refine((u) => u.endsWith('/chat/rest/'), 'must end with /chat/rest/'),
  LIVE_AGENT_API_VERSION: z.string().regex(/^\d+$/, 'must be an integer such as 52').default('52'),
  LIVE_AGENT_ORG_ID: z
    .string()
    .regex(/^00D[0-9A-Za-z]{12,15}$/, 'must be a 15 or 18 character 00D… organization id'),
  LIVE_AGENT_DEPLOYMENT_ID: z.string().regex(/^572[0-9A-Za-z]{12,15}$/, 'must be a 572… deployment id'),
  LIVE_AGENT_BUTTON_ID: z.string().regex(/^573[0-9A-Za-z]{12,15}$/, 'must be a 573… button id'),
  LIVE_AGENT_REQUEST_TIMEOUT_MS: int(10_000),
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters (HMAC key for webhook signatures)'),
  WEBHOOK_TIMEOUT_MS: int(10_000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: int(2_000),
  WORKER_MAX_CACHED_WORKFLOWS: int(2_000),
  MALFORMED_ATTEMPTS_LIMIT: int(3),
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

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** The tracing settings of a worker, or undefined when OTEL_TRACES_EXPORTER is `none`. */
export function workerTracingSettings(config: WorkerEnv): TracingSettings | undefined {
  if (config.OTEL_TRACES_EXPORTER === 'none') return undefined;
  return {
    exporter: config.OTEL_TRACES_EXPORTER,
    serviceName: config.OTEL_SERVICE_NAME,
    otlpTracesUrl: otlpTracesUrl(config),
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    return `  ${name}: ${issue.message}${value === undefined ? ' (not set)' : ''}`;
  });
  throw new ConfigError(`invalid worker configuration:\n${lines.join('\n')}`);
}
