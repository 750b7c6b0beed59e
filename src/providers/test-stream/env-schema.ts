// The environment variables of the test-stream vendor, read only when it is enabled.
import { z } from 'zod';
import type { TestStreamConfig } from './config';

/** A blank variable counts as unset (compose files often pass `${VAR:-}`). */
const unsetIfBlank = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const ms = (fallback: number) => unsetIfBlank(z.coerce.number().int().min(1).default(fallback));

export const testStreamEnvSchema = z
  .object({
    TEST_STREAM_URL: z.url({ message: 'must be the test-stream base URL, e.g. http://127.0.0.1:8091/v1' }),
    TEST_STREAM_REQUEST_TIMEOUT_MS: ms(10_000),
    TEST_STREAM_SILENCE_LIMIT_MS: ms(30_000),
    // Well above the server's ping interval (15 s by default): three missed pings mean a dead stream.
    TEST_STREAM_IDLE_TIMEOUT_MS: ms(45_000),
  })
  .transform((env): TestStreamConfig => ({
    baseUrl: env.TEST_STREAM_URL.replace(/\/+$/, ''),
    requestTimeoutMs: env.TEST_STREAM_REQUEST_TIMEOUT_MS,
    silenceLimitMs: env.TEST_STREAM_SILENCE_LIMIT_MS,
    streamIdleTimeoutMs: env.TEST_STREAM_IDLE_TIMEOUT_MS,
  }));
