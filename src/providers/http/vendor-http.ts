// What every vendor HTTP client shares: the CLIENT span's attributes, the JSON request body, network
// failures and strict parsing of JSON answers. Failure messages never quote a body: they reach workflow
// history unencrypted, and vendor bodies hold chat text and tokens.
import type { Attributes } from '@opentelemetry/api';
import { errors as undiciErrors } from 'undici';
import type { z } from 'zod';
import { FailureType } from '../../shared/failure-types';
import { vendorFailure } from '../vendor-failure';

export interface VendorCall {
  provider: string;
  operation: string;
}

/** Attributes of a CLIENT span for one request (no headers or bodies). */
export function clientSpanAttributes(
  method: string,
  url: URL,
  template: string,
  provider: string,
): Attributes {
  return {
    'http.request.method': method,
    'server.address': url.hostname,
    'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    'url.template': template,
    'chat.provider': provider,
  };
}

/** A POST carries `body` (default `{}`) as JSON, and says so in `headers`; a GET carries nothing. */
export function jsonRequestBody(
  method: string,
  body: unknown,
  headers: Record<string, string>,
): string | undefined {
  if (method !== 'POST') return undefined;
  headers['content-type'] = 'application/json';
  return JSON.stringify(body ?? {});
}

/** A failure while sending or reading: an abort is passed on as is (the caller asked for it). */
export function networkFailure(err: unknown, signal: AbortSignal, call: VendorCall): unknown {
  if (signal.aborted) return err;
  return vendorFailure(
    FailureType.vendorUnavailable,
    `request failed: ${describeNetworkError(err)}`,
    { provider: call.provider, operation: call.operation },
    err instanceof Error ? err : undefined,
  );
}

export function describeNetworkError(err: unknown): string {
  if (err instanceof undiciErrors.HeadersTimeoutError) return 'no response headers within the timeout';
  if (err instanceof undiciErrors.BodyTimeoutError) return 'response body stalled past the timeout';
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** `text` parsed as JSON against `schema`, or a malformedResponse failure naming the first issue. */
export function parseVendorJson<S extends z.ZodType>(schema: S, text: string, call: VendorCall): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw vendorFailure(FailureType.malformedResponse, `body is not JSON (${text.length} characters)`, {
      provider: call.provider,
      operation: call.operation,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw vendorFailure(
      FailureType.malformedResponse,
      `body does not match the documented shape at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
      { provider: call.provider, operation: call.operation },
    );
  }
  return parsed.data;
}
