// The environment variables of the Huawei CC-Gateway vendor, read only when it is enabled.
import { z } from 'zod';
import { envInt, unsetIfBlank } from '../../config/env-schema';
import type { HuaweiConfig } from './config';

const ms = (fallback: number) => unsetIfBlank(envInt(fallback));

export const huaweiEnvSchema = z
  .object({
    HUAWEI_GATEWAY_URL: z.url({
      message: 'must be the CC-Gateway base URL up to the port, e.g. https://cc-gateway.example.com:8043',
    }),
    HUAWEI_HANDSHAKE_INTERVAL_MS: ms(30_000),
    HUAWEI_SIGN_OUT_AFTER_MS: ms(120_000),
    HUAWEI_POLL_INTERVAL_MS: ms(200),
    HUAWEI_REQUEST_TIMEOUT_MS: ms(10_000),
    HUAWEI_MAX_BODY_BYTES: ms(1024 * 1024),
    HUAWEI_PUSH_PORT: unsetIfBlank(envInt(0, 0, 65_535)),
    HUAWEI_PUSH_HOST: unsetIfBlank(z.string().default('127.0.0.1')),
    HUAWEI_PUSH_CALLBACK_URL: unsetIfBlank(z.url().optional()),
    HUAWEI_AGENT_PASSWORD: unsetIfBlank(z.string().optional()),
  })
  // Handshakes keep a push-mode agent signed in: three must fit in the silence limit, with room for a
  // failing one and a re-homing after a worker dies.
  .refine((env) => env.HUAWEI_HANDSHAKE_INTERVAL_MS * 3 <= env.HUAWEI_SIGN_OUT_AFTER_MS, {
    message: 'must be at most a third of HUAWEI_SIGN_OUT_AFTER_MS (handshakes keep the agent signed in)',
    path: ['HUAWEI_HANDSHAKE_INTERVAL_MS'],
  })
  .transform((env): HuaweiConfig => ({
    baseUrl: env.HUAWEI_GATEWAY_URL.replace(/\/+$/, ''),
    requestTimeoutMs: env.HUAWEI_REQUEST_TIMEOUT_MS,
    maxBodyBytes: env.HUAWEI_MAX_BODY_BYTES,
    handshakeIntervalMs: env.HUAWEI_HANDSHAKE_INTERVAL_MS,
    signOutAfterMs: env.HUAWEI_SIGN_OUT_AFTER_MS,
    pollIntervalMs: env.HUAWEI_POLL_INTERVAL_MS,
    pushPort: env.HUAWEI_PUSH_PORT,
    pushHost: env.HUAWEI_PUSH_HOST,
    pushCallbackUrl: env.HUAWEI_PUSH_CALLBACK_URL,
    agentPassword: env.HUAWEI_AGENT_PASSWORD,
  }));
