// The environment variables of the Genesys GMS vendor, read only when it is enabled.
import { z } from 'zod';
import { envInt, unsetIfBlank } from '../../config/env-schema';
import type { GmsConfig } from './config';

const ms = (fallback: number) => unsetIfBlank(envInt(fallback));

export const gmsEnvSchema = z
  .object({
    GMS_SERVICE_URL: z.url({
      message:
        'must be the GMS chat service URL, e.g. https://gms.example.com/genesys/2/chat/customer-support',
    }),
    GMS_API_KEY: unsetIfBlank(z.string().optional()),
    GMS_REFRESH_INTERVAL_MS: ms(3_000),
    GMS_FLEX_DISCONNECT_TIMEOUT_MS: ms(300_000),
    GMS_REQUEST_TIMEOUT_MS: ms(10_000),
    GMS_MAX_BODY_BYTES: ms(4 * 1024 * 1024),
    // Files pass through the worker's memory on their way (never through history): this bounds them.
    GMS_MAX_FILE_BYTES: ms(10 * 1024 * 1024),
    GMS_POLL_EXCEPTION_LIMIT: ms(5),
  })
  // A refresh is the only thing that keeps the client in the chat: several must fit in the timeout,
  // with room for a failing one and a re-homing after a worker dies.
  .refine((env) => env.GMS_REFRESH_INTERVAL_MS * 3 <= env.GMS_FLEX_DISCONNECT_TIMEOUT_MS, {
    message: 'must be at most a third of GMS_FLEX_DISCONNECT_TIMEOUT_MS (refreshes keep the chat alive)',
    path: ['GMS_REFRESH_INTERVAL_MS'],
  })
  .transform((env): GmsConfig => ({
    serviceUrl: env.GMS_SERVICE_URL.replace(/\/+$/, ''),
    ...(env.GMS_API_KEY ? { apiKey: env.GMS_API_KEY } : {}),
    refreshIntervalMs: env.GMS_REFRESH_INTERVAL_MS,
    flexDisconnectTimeoutMs: env.GMS_FLEX_DISCONNECT_TIMEOUT_MS,
    requestTimeoutMs: env.GMS_REQUEST_TIMEOUT_MS,
    maxBodyBytes: env.GMS_MAX_BODY_BYTES,
    maxFileBytes: env.GMS_MAX_FILE_BYTES,
    pollExceptionLimit: env.GMS_POLL_EXCEPTION_LIMIT,
  }));
