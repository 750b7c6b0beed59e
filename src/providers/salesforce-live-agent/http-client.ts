// The Live Agent REST calls, with the exact headers the vendor expects. Knows HTTP, not Temporal:
// it returns parsed bodies or throws typed vendor failures.
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { inClientSpan } from '../../tracing/client-span';
import {
  clientSpanAttributes,
  describeErrorBody,
  jsonRequestBody,
  networkFailure,
  parseVendorJson,
  readCappedText,
} from '../http/vendor-http';
import { vendorFailure } from '../vendor-failure';
import type { LiveAgentConfig, LiveAgentCredentials } from './config';
import { failureTypeForStatus } from './status-failures';
import {
  LIVE_AGENT_HEADERS,
  messagesResponseSchema,
  reconnectSessionResponseSchema,
  sessionIdResponseSchema,
} from './wire-schemas';

export const providerName = 'salesforce-live-agent';

type Method = 'GET' | 'POST';

interface CallOptions {
  method: Method;
  path: string;
  operation: string;
  credentials?: LiveAgentCredentials;
  /** Send the literal affinity `null` (SessionId, ReconnectSession). */
  nullAffinity?: boolean;
  sequence?: number;
  body?: unknown;
  signal: AbortSignal;
  timeoutMs: number;
}

export class LiveAgentHttpClient {
  constructor(
    private readonly config: LiveAgentConfig,
    private readonly dispatcher: Dispatcher,
  ) {}

  async sessionId(signal: AbortSignal): Promise<z.infer<typeof sessionIdResponseSchema>> {
    const res = await this.call({
      method: 'GET',
      path: 'System/SessionId',
      operation: 'SessionId',
      nullAffinity: true,
      signal,
      timeoutMs: this.config.requestTimeoutMs,
    });
    return parseVendorJson(sessionIdResponseSchema, res.text, {
      provider: providerName,
      operation: 'SessionId',
    });
  }

  /** POST a Chasitor noun with the outbound sequence number. */
  async post(
    credentials: LiveAgentCredentials,
    noun: string,
    body: unknown,
    sequence: number | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    await this.call({
      method: 'POST',
      path: `Chasitor/${noun}`,
      operation: noun,
      credentials,
      sequence,
      body,
      signal,
      timeoutMs: this.config.requestTimeoutMs,
    });
  }

  /** One Messages long poll. `null` means 204: nothing arrived within the server's hold time. */
  async messages(
    credentials: LiveAgentCredentials,
    ack: number,
    signal: AbortSignal,
  ): Promise<z.infer<typeof messagesResponseSchema> | null> {
    const res = await this.call({
      method: 'GET',
      path: `System/Messages?ack=${ack}`,
      operation: 'Messages',
      credentials,
      signal,
      // The vendor's own client-side abort threshold for one long poll.
      timeoutMs: credentials.clientPollTimeoutSec * 1000,
    });
    if (res.status === 204) return null;
    return parseVendorJson(messagesResponseSchema, res.text, {
      provider: providerName,
      operation: 'Messages',
    });
  }

  async reconnectSession(
    credentials: LiveAgentCredentials,
    offset: number | null,
    signal: AbortSignal,
  ): Promise<z.infer<typeof reconnectSessionResponseSchema>> {
    const query = offset === null ? '' : `?ReconnectSession.offset=${offset}`;
    const res = await this.call({
      method: 'GET',
      path: `System/ReconnectSession${query}`,
      operation: 'ReconnectSession',
      credentials,
      nullAffinity: true,
      signal,
      timeoutMs: this.config.requestTimeoutMs,
    });
    return parseVendorJson(reconnectSessionResponseSchema, res.text, {
      provider: providerName,
      operation: 'ReconnectSession',
    });
  }

  /** One request in a CLIENT span named for the noun (`GET System/Messages`); no headers or bodies recorded. */
  private call(options: CallOptions): Promise<{ status: number; text: string }> {
    const url = new URL(options.path, this.config.baseUrl);
    const noun = options.path.split('?')[0] ?? options.path;
    return inClientSpan(
      `${options.method} ${noun}`,
      clientSpanAttributes(options.method, url, noun, providerName),
      async (span) => {
        const res = await this.request(url, options);
        span.setAttribute('http.response.status_code', res.status);
        if (res.status >= 200 && res.status < 300) return res;
        throw vendorFailure(
          failureTypeForStatus(res.status),
          `HTTP ${res.status} (${describeErrorBody(res.text)})`,
          { provider: providerName, operation: options.operation, status: res.status },
        );
      },
      options.signal,
    );
  }

  /** Sends the request with the vendor's headers; any answer is returned, a network failure is thrown. */
  private async request(url: URL, options: CallOptions): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {
      [LIVE_AGENT_HEADERS.apiVersion]: this.config.apiVersion,
      [LIVE_AGENT_HEADERS.affinity]: options.nullAffinity
        ? 'null'
        : (options.credentials?.affinityToken ?? 'null'),
    };
    if (options.credentials) headers[LIVE_AGENT_HEADERS.sessionKey] = options.credentials.key;
    if (options.sequence !== undefined) headers[LIVE_AGENT_HEADERS.sequence] = String(options.sequence);
    const body = jsonRequestBody(options.method, options.body, headers);
    try {
      const res = await request(url, {
        method: options.method,
        headers,
        body,
        dispatcher: this.dispatcher,
        signal: options.signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      return {
        status: res.statusCode,
        text: await readCappedText(res.body, {
          maxBytes: this.config.maxBodyBytes,
          deadlineMs: this.config.requestTimeoutMs,
        }),
      };
    } catch (err) {
      throw networkFailure(err, options.signal, { provider: providerName, operation: options.operation });
    }
  }
}
