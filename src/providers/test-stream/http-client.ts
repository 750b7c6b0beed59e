// The test-stream calls (docs/test-stream-protocol.md). Knows HTTP, not Temporal: returns parsed bodies
// or an open event stream, or throws typed vendor failures. Failure messages quote status and error code
// only, never a body or a token: they reach workflow history unencrypted.
import { request, type Dispatcher } from 'undici';
import { FailureType, type FailureTypeName } from '../../shared/failure-types';
import { inClientSpan } from '../../tracing/client-span';
import {
  clientSpanAttributes,
  jsonRequestBody,
  networkFailure as sharedNetworkFailure,
  parseVendorJson,
  readCappedText,
} from '../http/vendor-http';
import { vendorFailure } from '../vendor-failure';
import type { TestStreamConfig, TestStreamCredentials } from './config';
import {
  createSessionResponseSchema,
  ERROR_CODES,
  errorBodySchema,
  resumeResponseSchema,
  type CreateSessionBody,
  type CreateSessionResponse,
  type ResumeResponse,
} from './wire-schemas';

export const providerName = 'test-stream';

export type SessionNoun = 'messages' | 'typing' | 'end';

/** The body of an open event stream: chunks until the server closes it. */
export type EventStreamBody = AsyncIterable<Buffer> & { destroy(): unknown };

interface CallOptions {
  method: 'GET' | 'POST';
  /** Path after the base URL, e.g. `/sessions/abc/messages`; the span is named by `template`. */
  path: string;
  template: string;
  operation: string;
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal: AbortSignal;
  bodyTimeoutMs: number;
}

interface Answer {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  body: Dispatcher.ResponseData['body'];
}

export class TestStreamHttpClient {
  constructor(
    private readonly config: TestStreamConfig,
    private readonly dispatcher: Dispatcher,
  ) {}

  async createSession(body: CreateSessionBody, signal: AbortSignal): Promise<CreateSessionResponse> {
    const res = await this.json({
      method: 'POST',
      path: '/sessions',
      template: '/sessions',
      operation: 'createSession',
      body,
      signal,
      bodyTimeoutMs: this.config.requestTimeoutMs,
    });
    return parseVendorJson(createSessionResponseSchema, res.text, {
      provider: providerName,
      operation: 'createSession',
    });
  }

  async post(
    credentials: TestStreamCredentials,
    noun: SessionNoun,
    body: unknown,
    signal: AbortSignal,
  ): Promise<void> {
    await this.json({
      method: 'POST',
      path: `${sessionPath(credentials)}/${noun}`,
      template: `/sessions/{id}/${noun}`,
      operation: noun,
      token: credentials.token,
      body,
      signal,
      bodyTimeoutMs: this.config.requestTimeoutMs,
    });
  }

  /** Trades a rotated token for the session's current one; the old token travels in the body. */
  async resume(credentials: TestStreamCredentials, signal: AbortSignal): Promise<ResumeResponse> {
    const res = await this.json({
      method: 'POST',
      path: `${sessionPath(credentials)}/resume`,
      template: '/sessions/{id}/resume',
      operation: 'resume',
      body: { token: credentials.token },
      signal,
      bodyTimeoutMs: this.config.requestTimeoutMs,
    });
    return parseVendorJson(resumeResponseSchema, res.text, { provider: providerName, operation: 'resume' });
  }

  /**
   * Opens the event stream after `lastEventId` and returns its body once the server answered 200 with
   * `text/event-stream`. The body stays open until the server closes it or `signal` aborts.
   */
  async openEvents(
    credentials: TestStreamCredentials,
    lastEventId: number | null,
    signal: AbortSignal,
  ): Promise<EventStreamBody> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== null) headers['last-event-id'] = String(lastEventId);
    const res = await this.call({
      method: 'GET',
      path: `${sessionPath(credentials)}/events`,
      template: '/sessions/{id}/events',
      operation: 'events',
      token: credentials.token,
      headers,
      signal,
      // Between two chunks; the server pings well inside it.
      bodyTimeoutMs: this.config.streamIdleTimeoutMs,
    });
    const type = String(res.headers['content-type'] ?? '');
    if (res.status !== 200 || !type.toLowerCase().startsWith('text/event-stream')) {
      res.body.destroy();
      throw vendorFailure(
        FailureType.malformedResponse,
        `expected 200 text/event-stream, got ${res.status} '${type.slice(0, 60)}'`,
        { provider: providerName, operation: 'events', status: res.status },
      );
    }
    return res.body;
  }

  /** A call whose answer is small JSON (or empty): read whole. */
  private async json(options: CallOptions): Promise<{ text: string }> {
    const res = await this.call(options);
    try {
      return { text: await readCappedText(res.body) };
    } catch (err) {
      throw networkFailure(err, options);
    }
  }

  /** One request in a CLIENT span named for its route; a non-2xx answer is thrown as a typed failure. */
  private call(options: CallOptions): Promise<Answer> {
    const url = new URL(`${this.config.baseUrl}${options.path}`);
    return inClientSpan(
      `${options.method} ${options.template}`,
      clientSpanAttributes(options.method, url, options.template, providerName),
      async (span) => {
        const res = await this.send(url, options);
        span.setAttribute('http.response.status_code', res.status);
        if (res.status >= 200 && res.status < 300) return res;
        const code = await errorCodeOf(res.body);
        throw vendorFailure(failureTypeFor(res.status, code), `HTTP ${res.status}${code ? ` ${code}` : ''}`, {
          provider: providerName,
          operation: options.operation,
          status: res.status,
        });
      },
      options.signal,
    );
  }

  private async send(url: URL, options: CallOptions): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const body = jsonRequestBody(options.method, options.body, headers);
    try {
      const res = await request(url, {
        method: options.method,
        headers,
        body,
        dispatcher: this.dispatcher,
        signal: options.signal,
        headersTimeout: this.config.requestTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw networkFailure(err, options);
    }
  }
}

/** The protocol's status mapping (not the shared one: here 503 is an outage, 401 may be a rotation). */
export function failureTypeFor(status: number, code: string | undefined): FailureTypeName {
  if (status === 401 && code === ERROR_CODES.tokenRotated) return FailureType.handoverRequired;
  if (status === 409) return FailureType.connectionConflict;
  if (status === 404) return FailureType.sessionGone;
  if (status >= 500) return FailureType.vendorUnavailable;
  return FailureType.requestRejected;
}

/** A failure while sending or reading: an abort is passed on as is (the caller asked for it). */
export function networkFailure(err: unknown, options: { signal: AbortSignal; operation: string }): unknown {
  return sharedNetworkFailure(err, options.signal, { provider: providerName, operation: options.operation });
}

function sessionPath(credentials: TestStreamCredentials): string {
  return `/sessions/${encodeURIComponent(credentials.sessionId)}`;
}

/** The `error` code of a refusal, only when it looks like one (so nothing else is ever quoted). */
async function errorCodeOf(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  try {
    const parsed = errorBodySchema.safeParse(
      JSON.parse(await readCappedText(body, { maxBytes: 64 * 1024, deadlineMs: 5_000 })),
    );
    if (parsed.success && /^[a-z_]{1,40}$/.test(parsed.data.error)) return parsed.data.error;
  } catch {
    // Not JSON, or the body broke off: the status alone decides.
  }
  return undefined;
}
