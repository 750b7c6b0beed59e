// How the worker (and the operator scripts) reach Temporal: plain gRPC on loopback for development, TLS
// with a CA and an optional client certificate (mTLS) for a secured cluster, or an API key (Temporal
// Cloud). The variable names are the Temporal CLI's, so one environment configures both.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isLoopbackHost } from '../shared/loopback-host';
import { unsetIfBlank } from './env-schema';

const truthy = ['1', 'true', 'yes', 'on'];
const falsy = ['0', 'false', 'no', 'off'];
const envBool = unsetIfBlank(
  z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => truthy.includes(v) || falsy.includes(v), 'must be true or false')
    .transform((v) => truthy.includes(v))
    .optional(),
);
const filePath = unsetIfBlank(z.string().min(1).optional());

/** The connection variables, checked together with the worker's (worker-config.ts). */
export const temporalConnectionEnvShape = {
  /** Use TLS with the system's root CAs (implied by any TEMPORAL_TLS_* file or TEMPORAL_API_KEY). */
  TEMPORAL_TLS: envBool,
  /** PEM file: the CA that signed the server's certificate (a private CA). */
  TEMPORAL_TLS_CA: filePath,
  /** PEM files: this worker's client certificate and key (mTLS). Both or neither. */
  TEMPORAL_TLS_CERT: filePath,
  TEMPORAL_TLS_KEY: filePath,
  /** The name the server's certificate carries, when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: unsetIfBlank(z.string().min(1).optional()),
  /** An API key (Temporal Cloud): sent as a bearer token, over TLS. Never logged. */
  TEMPORAL_API_KEY: unsetIfBlank(
    z
      .string()
      .refine((s) => s.trim() === s && !/\s/.test(s), 'must not contain whitespace')
      .optional(),
  ),
  /**
   * Payloads go to a Temporal server that is not on this machine without PAYLOAD_ENCRYPTION_KEYS only
   * when this says so (credentials and messages would be stored readable by the server's operators).
   */
  ALLOW_UNENCRYPTED_PAYLOADS: envBool,
};

export interface TemporalConnectionSettings {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_TLS?: boolean | undefined;
  TEMPORAL_TLS_CA?: string | undefined;
  TEMPORAL_TLS_CERT?: string | undefined;
  TEMPORAL_TLS_KEY?: string | undefined;
  TEMPORAL_TLS_SERVER_NAME?: string | undefined;
  TEMPORAL_API_KEY?: string | undefined;
}

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

/** Problems with the connection settings, one line each (files are read here: a missing one is named). */
export function temporalConnectionProblems(settings: TemporalConnectionSettings): string[] {
  const problems: string[] = [];
  if ((settings.TEMPORAL_TLS_CERT === undefined) !== (settings.TEMPORAL_TLS_KEY === undefined)) {
    problems.push('  TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: set both (mTLS) or neither');
  }
  if (settings.TEMPORAL_TLS === false && usesTls({ ...settings, TEMPORAL_TLS: undefined })) {
    problems.push('  TEMPORAL_TLS: false, but TLS files or TEMPORAL_API_KEY are set');
  }
  for (const name of ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'] as const) {
    const file = settings[name];
    if (file === undefined) continue;
    try {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('-----BEGIN ')) problems.push(`  ${name}: ${file} is not a PEM file`);
    } catch (err) {
      problems.push(`  ${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return problems;
}

export function usesTls(settings: TemporalConnectionSettings): boolean {
  return (
    settings.TEMPORAL_TLS ??
    (settings.TEMPORAL_TLS_CA !== undefined ||
      settings.TEMPORAL_TLS_CERT !== undefined ||
      settings.TEMPORAL_API_KEY !== undefined)
  );
}

/** Options for `NativeConnection.connect` (worker) and `Connection.connect` (client). */
export function temporalConnectionOptions(settings: TemporalConnectionSettings): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: settings.TEMPORAL_ADDRESS };
  if (usesTls(settings)) {
    options.tls = {
      ...(settings.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: settings.TEMPORAL_TLS_SERVER_NAME } : {}),
      ...(settings.TEMPORAL_TLS_CA
        ? { serverRootCACertificate: readFileSync(settings.TEMPORAL_TLS_CA) }
        : {}),
      ...(settings.TEMPORAL_TLS_CERT && settings.TEMPORAL_TLS_KEY
        ? {
            clientCertPair: {
              crt: readFileSync(settings.TEMPORAL_TLS_CERT),
              key: readFileSync(settings.TEMPORAL_TLS_KEY),
            },
          }
        : {}),
    };
  }
  if (settings.TEMPORAL_API_KEY) options.apiKey = settings.TEMPORAL_API_KEY;
  return options;
}

/** True for an address whose host is this machine (where plaintext payloads never leave it). */
export function isLoopbackAddress(address: string): boolean {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.split(':')[0]!;
  return isLoopbackHost(host);
}
