// What every vendor HTTP client shares: the CLIENT span's attributes, the JSON request body, network
// failures and strict parsing of JSON answers. Failure messages never quote a body: they reach workflow
// history unencrypted, and vendor bodies hold chat text and tokens.
import { createHash } from 'node:crypto';
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

/** A status worth retrying from any vendor's HTTP API: server trouble, a timeout, a rate limit. */
export function isTransientVendorStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** A failure while sending or reading: an abort is passed on as is (the caller asked for it). */
export function networkFailure(err: unknown, signal: AbortSignal, call: VendorCall): unknown {
  if (signal.aborted) return err;
  // An oversized answer is no transient fault: retried, the vendor would send the same one forever.
  if (err instanceof BodyLimitError && err.limit === 'size') {
    return vendorFailure(FailureType.malformedResponse, err.message, {
      provider: call.provider,
      operation: call.operation,
    });
  }
  return vendorFailure(
    FailureType.vendorUnavailable,
    `request failed: ${describeNetworkError(err)}`,
    { provider: call.provider, operation: call.operation },
    err instanceof Error ? err : undefined,
  );
}

/** The most a vendor answer may hold (bytes), and how long reading all of it may take. */
export interface BodyLimits {
  maxBytes: number;
  /** Total time for the whole body, however slowly it trickles in (undici's own timeout is per chunk). */
  deadlineMs: number;
}

export const defaultBodyLimits: BodyLimits = { maxBytes: 4 * 1024 * 1024, deadlineMs: 30_000 };

/** Thrown by readCappedText: the body broke a limit. The caller turns it into a typed failure. */
export class BodyLimitError extends Error {
  override readonly name = 'BodyLimitError';
  constructor(
    message: string,
    /** `size`: the vendor sent more than any valid answer holds (malformed); `deadline`: too slow (transient). */
    readonly limit: 'size' | 'deadline',
  ) {
    super(message);
  }
}

/**
 * Reads a response body as UTF-8 text within `limits`: stops and destroys the stream the moment it
 * passes `maxBytes` (memory stays bounded whatever the vendor sends) or the deadline.
 */
export async function readCappedText(
  body: AsyncIterable<Uint8Array> & { destroy(err?: Error): unknown },
  limits: BodyLimits = defaultBodyLimits,
): Promise<string> {
  return (await readCappedBytes(body, limits)).toString('utf8');
}

/** Reads a response body's bytes within `limits` (a file download), like readCappedText. */
export async function readCappedBytes(
  body: AsyncIterable<Uint8Array> & { destroy(err?: Error): unknown },
  limits: BodyLimits = defaultBodyLimits,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new BodyLimitError(`response body not read within ${limits.deadlineMs} ms`, 'deadline');
      body.destroy(err);
      reject(err);
    }, limits.deadlineMs);
  });
  const read = (async () => {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > limits.maxBytes) {
        const err = new BodyLimitError(`response body larger than ${limits.maxBytes} bytes`, 'size');
        body.destroy(err);
        throw err;
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  })();
  try {
    return await Promise.race([read, deadline]);
  } finally {
    clearTimeout(timer);
    read.catch(() => undefined);
  }
}

/**
 * What a failure may say about a vendor's error body: its size and a digest, never its text (a vendor
 * echoing a card number in a 400 must not put it in history or logs). The digest lets an operator match
 * it against the vendor's own logs.
 */
export function describeErrorBody(text: string): string {
  if (text === '') return 'empty body';
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `body of ${Buffer.byteLength(text)} bytes, sha256 ${digest}…`;
}

export function describeNetworkError(err: unknown): string {
  if (err instanceof BodyLimitError) return err.message;
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
