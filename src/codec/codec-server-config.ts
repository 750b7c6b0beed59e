// Codec server configuration from the environment, validated at start like the worker's.
import { z } from 'zod';
import { parseCodecKeys } from './codec-keys';
import { defaultCorsOrigins, minTokenLength } from './codec-server';

export const codecServerEnvSchema = z.object({
  PAYLOAD_ENCRYPTION_KEYS: z
    .string({ error: "required: the workers' keys, id:base64key,… newest last" })
    .transform((value, ctx) => {
      try {
        return parseCodecKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  CODEC_SERVER_TOKEN: z
    .string({ error: 'required: the bearer token callers must send' })
    .refine(
      (t) => t.trim().length >= minTokenLength,
      `must have at least ${minTokenLength} non-blank characters (bearer token callers must send)`,
    ),
  CODEC_SERVER_PORT: z.coerce.number().int().min(0).max(65_535).default(8888),
  CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_CORS_ORIGINS: z
    .string()
    .default(defaultCorsOrigins.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    ),
});

export type CodecServerEnv = z.infer<typeof codecServerEnvSchema>;

export function loadCodecServerConfig(env: Record<string, string | undefined> = process.env): CodecServerEnv {
  const parsed = codecServerEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  // Messages only, never values: these variables hold secrets.
  const lines = parsed.error.issues.map(
    (i) => `  ${i.path.join('.')}: ${i.message}${env[i.path.join('.')] === undefined ? ' (not set)' : ''}`,
  );
  throw new Error(`invalid codec server configuration:\n${lines.join('\n')}`);
}
